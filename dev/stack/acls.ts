// Strimzi KafkaUser resources (k8s/base/users.yaml, dev/kafka/dev-users.yaml) as Kafka ACL
// bindings: the secure local stack grants exactly what production grants. Pure: parsing and
// mapping only; dev/stack/secure.ts creates the bindings through the Admin API.
import { parseAllDocuments } from 'yaml';

/** Kafka's names for what Strimzi's `simple` authorization writes (ACL wire values of the Admin API). */
export const resourceTypes = { topic: 2, group: 3, cluster: 4, transactionalId: 5 } as const;
export const patternTypes = { literal: 3, prefix: 4 } as const;
export const operations = {
  All: 2, Read: 3, Write: 4, Create: 5, Delete: 6, Alter: 7, Describe: 8, ClusterAction: 9,
  DescribeConfigs: 10, AlterConfigs: 11, IdempotentWrite: 12,
} as const;
const ALLOW = 3;
const DENY = 2;

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface KafkaUserSpec {
  name: string;
  acls: AclBinding[];
}

interface StrimziAcl {
  resource?: { type?: string; name?: string; patternType?: string };
  operations?: string[];
  operation?: string;
  host?: string;
  type?: string;
}

function lookup<T extends Record<string, number>>(table: T, key: string | undefined, what: string, user: string): number {
  const value = key === undefined ? undefined : table[key];
  if (value === undefined) throw new Error(`KafkaUser ${user}: unknown ${what} "${key}" (known: ${Object.keys(table).join(', ')})`);
  return value;
}

/** Every KafkaUser in the YAML text (other kinds are skipped), each with its ACL bindings. */
export function kafkaUsers(text: string): KafkaUserSpec[] {
  const users: KafkaUserSpec[] = [];
  for (const document of parseAllDocuments(text)) {
    const resource = document.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { authentication?: { type?: string }; authorization?: { type?: string; acls?: StrimziAcl[] } } } | null;
    if (resource?.kind !== 'KafkaUser') continue;
    const name = resource.metadata?.name;
    if (!name) throw new Error('a KafkaUser without metadata.name');
    if (resource.spec?.authentication?.type !== 'scram-sha-512') throw new Error(`KafkaUser ${name}: only scram-sha-512 authentication is supported here`);
    const acls: AclBinding[] = [];
    for (const acl of resource.spec.authorization?.acls ?? []) {
      const type = acl.resource?.type;
      const resourceType = lookup(resourceTypes, type, 'resource type', name);
      const ops = acl.operations ?? (acl.operation === undefined ? [] : [acl.operation]);
      for (const operation of ops) {
        acls.push({
          resourceType,
          // Strimzi's cluster resource has no name; Kafka's is `kafka-cluster`.
          resourceName: type === 'cluster' ? 'kafka-cluster' : acl.resource?.name ?? '*',
          resourcePatternType: type === 'cluster' ? patternTypes.literal : lookup(patternTypes, acl.resource?.patternType ?? 'literal', 'pattern type', name),
          principal: `User:${name}`,
          host: acl.host ?? '*',
          operation: lookup(operations, operation, 'operation', name),
          permissionType: (acl.type ?? 'allow') === 'deny' ? DENY : ALLOW,
        });
      }
    }
    users.push({ name, acls });
  }
  return users;
}
