// `bin/dev-stack up --secure`: a second one-node KRaft broker, on its own ports and dev dir, that
// demands what a production cluster demands: TLS (a CA and broker certificate made here with
// openssl), SASL/SCRAM-SHA-512, and ACLs for everything (StandardAuthorizer,
// allow.everyone.if.no.acl.found=false). Its users and their ACLs are read from
// k8s/base/users.yaml (plus dev/kafka/dev-users.yaml for the tools k8s does not run), so the
// local test and production grant the same. The only super users are `admin`, which sets it up,
// and the broker's own certificate on the controller listener. Passwords are generated once into
// <dev dir>/secrets/<user>.password (mode 0600) and reach clients only as *_FILE settings.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaUsers, type AclBinding, type KafkaUserSpec } from './acls.ts';
import { ensureCa, issueCertificate, pkcs12 } from './certificates.ts';
import { fetchKafka, fillTemplate, javaArgs, startBroker } from './kafka.ts';
import { fail, log, reasonOf, tailToStderr } from './output.ts';
import { onPath, output, portOpen, run, runningPid, stopStarted } from './processes.ts';
import { setting, stackSettings, type StackSettings } from './settings.ts';

export const ADMIN_USER = 'admin';

/** The secure broker's settings: KALIBRA_SECURE_DEV_DIR (default <repo>/.dev/secure), ports 19094 and 19095 unless set. */
export function secureSettings(env: NodeJS.ProcessEnv, root?: string): StackSettings {
  const plain = stackSettings(env, root);
  return stackSettings({
    ...env,
    KALIBRA_DEV_DIR: setting(env, 'KALIBRA_SECURE_DEV_DIR') ?? join(plain.root, '.dev', 'secure'),
    KAFKA_PORT: setting(env, 'KALIBRA_SECURE_KAFKA_PORT') ?? '19094',
    KAFKA_CONTROLLER_PORT: setting(env, 'KALIBRA_SECURE_CONTROLLER_PORT') ?? '19095',
  }, plain.root);
}

export const tlsDir = (settings: StackSettings): string => join(settings.devDir, 'tls');
export const secretsDir = (settings: StackSettings): string => join(settings.devDir, 'secrets');
export const caFile = (settings: StackSettings): string => join(tlsDir(settings), 'ca.crt');
export const passwordFile = (settings: StackSettings, user: string): string => join(secretsDir(settings), `${user}.password`);

/** Every user the secure broker gets: k8s/base/users.yaml, then dev/kafka/dev-users.yaml. */
export function secureUsers(root: string): KafkaUserSpec[] {
  return [join(root, 'k8s', 'base', 'users.yaml'), join(root, 'dev', 'kafka', 'dev-users.yaml')]
    .flatMap((file) => kafkaUsers(readFileSync(file, 'utf8')));
}

/** The client settings of one user as shell exports (the password as a file, never a value). */
export function secureEnvLines(settings: StackSettings, user: string = ADMIN_USER): string {
  return [
    `export KAFKA_BROKERS=127.0.0.1:${settings.kafkaPort}`,
    'export KAFKA_TLS=true',
    `export KAFKA_TLS_CA_FILE=${caFile(settings)}`,
    'export KAFKA_SASL_MECHANISM=SCRAM-SHA-512',
    `export KAFKA_SASL_USERNAME=${user}`,
    `export KAFKA_SASL_PASSWORD_FILE=${passwordFile(settings, user)}`,
    '',
  ].join('\n');
}

function secretFile(path: string, make: () => string): string {
  if (!existsSync(path)) {
    writeFileSync(path, `${make()}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return readFileSync(path, 'utf8').trim();
}

const newPassword = (): string => randomBytes(24).toString('base64url');

/** One argument of a java @argfile: quoted, so paths with spaces survive. */
const argLine = (argument: string): string => `"${argument.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/**
 * kafka-storage format with a SCRAM credential for every user. The passwords go through a java
 * @argfile (mode 0600, removed afterwards), so no process's command line ever shows one.
 */
function formatWithUsers(settings: StackSettings, props: string, passwords: ReadonlyMap<string, string>): void {
  const clusterId = output('java', javaArgs(settings, 'kafka.tools.StorageTool', ['random-uuid']));
  if (!clusterId) fail('could not make a Kafka cluster id (kafka.tools.StorageTool random-uuid)');
  log(`formatting the secure broker's storage with ${passwords.size} SCRAM users`);
  const scram = [...passwords].flatMap(([user, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${user},password=${password}]`]);
  const argFile = join(settings.devDir, 'format.args');
  writeFileSync(argFile, javaArgs(settings, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', props, ...scram]).map(argLine).join('\n'), { mode: 0o600 });
  const formatLog = join(settings.devDir, 'logs', 'kafka-format.log');
  const fd = openSync(formatLog, 'w');
  let formatted: boolean;
  try {
    formatted = run('java', [`@${argFile}`], { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
    rmSync(argFile, { force: true });
  }
  if (!formatted) {
    tailToStderr(formatLog);
    fail('kafka storage format failed');
  }
}

/** The ACL bindings of every user, to be created by the admin. */
export function aclBindings(users: readonly KafkaUserSpec[]): AclBinding[] {
  return users.flatMap((user) => user.acls);
}

async function grantAcls(settings: StackSettings, users: readonly KafkaUserSpec[], timeoutMs: number): Promise<void> {
  const { Admin } = await import('@platformatic/kafka');
  const password = readFileSync(passwordFile(settings, ADMIN_USER), 'utf8').trim();
  const deadline = Date.now() + timeoutMs;
  const creations = aclBindings(users) as Parameters<InstanceType<typeof Admin>['createAcls']>[0]['creations'];
  for (;;) {
    const admin = new Admin({
      clientId: 'kalibra-dev-stack', bootstrapBrokers: [`127.0.0.1:${settings.kafkaPort}`],
      tls: { ca: readFileSync(caFile(settings)) }, sasl: { mechanism: 'SCRAM-SHA-512', username: ADMIN_USER, password: () => password },
      retries: 0,
    });
    try {
      await admin.createAcls({ creations });
      log(`granted ${creations.length} ACL bindings to ${users.map((u) => u.name).join(', ')}`);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the secure broker did not take the ACLs within ${timeoutMs} ms: ${reasonOf(error)}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}

/**
 * Starts the secure broker from scratch (its data is disposable: every start formats it anew, so
 * its users and ACLs always equal the YAML); keeps the CA, certificates and passwords.
 */
export async function secureUp(settings: StackSettings): Promise<void> {
  if (!onPath('openssl')) fail('openssl is required to make the certificates of the secure stack; install it (apt-get install openssl).');
  fetchKafka(settings);
  const { devDir, kafkaPort } = settings;
  const running = runningPid(join(devDir, 'kafka.pid'));
  if (running !== undefined) {
    log(`the secure broker already runs (pid ${running})`);
    return;
  }
  if (await portOpen(kafkaPort)) fail(`something already listens on 127.0.0.1:${kafkaPort}; set KALIBRA_SECURE_KAFKA_PORT`);
  const start = performance.now();
  for (const dir of [join(devDir, 'logs'), tlsDir(settings), secretsDir(settings)]) mkdirSync(dir, { recursive: true });
  chmodSync(secretsDir(settings), 0o700);
  chmodSync(tlsDir(settings), 0o700);

  const tls = tlsDir(settings);
  ensureCa(tls);
  if (!existsSync(join(tls, 'broker.crt'))) issueCertificate(tls, 'broker', 'kalibra-broker', ['IP:127.0.0.1', 'DNS:localhost']);
  const keystorePasswordFile = join(tls, 'keystore.password');
  const keystorePassword = secretFile(keystorePasswordFile, newPassword);
  const keystore = existsSync(join(tls, 'broker.p12')) ? join(tls, 'broker.p12') : pkcs12(tls, 'broker', keystorePasswordFile);

  const users = secureUsers(settings.root);
  const passwords = new Map([ADMIN_USER, ...users.map((u) => u.name)].map((user) => [user, secretFile(passwordFile(settings, user), newPassword)]));

  const dataDir = join(devDir, 'kafka-data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const props = join(devDir, 'kafka-server.properties');
  const template = readFileSync(join(settings.root, 'dev', 'kafka', 'server-secure.properties'), 'utf8');
  writeFileSync(props, fillTemplate(template, {
    KAFKA_PORT: kafkaPort, CONTROLLER_PORT: settings.controllerPort, DATA_DIR: dataDir, ADMIN_USER,
    ADMIN_PASSWORD: passwords.get(ADMIN_USER)!, KEYSTORE: keystore, KEYSTORE_PASSWORD: keystorePassword, CA_CERT: caFile(settings),
  }), { mode: 0o600 });
  formatWithUsers(settings, props, passwords);
  log(`starting the secure broker on 127.0.0.1:${kafkaPort} (SASL_SSL, SCRAM-SHA-512, ACLs)`);
  startBroker(settings, props);
  try {
    await grantAcls(settings, users, Number(setting(settings.env, 'KALIBRA_STACK_TIMEOUT_MS') ?? 120_000));
  } catch (error) {
    log(reasonOf(error));
    tailToStderr(join(devDir, 'logs', 'kafka.log'), 30);
    fail('the secure broker did not become ready');
  }
  log(`secure broker ready in ${Math.round(performance.now() - start)} ms; users: ${[...passwords.keys()].join(', ')}; passwords in ${secretsDir(settings)}`);
}

export async function secureDown(settings: StackSettings): Promise<void> {
  await stopStarted(settings.devDir, 'kafka', 'the secure broker');
}
