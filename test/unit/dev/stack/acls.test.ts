import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaUsers, operations, patternTypes, resourceTypes } from '../../../../dev/stack/acls.ts';
import { checkoutRoot } from '../../../../dev/stack/settings.ts';
import { secureUsers } from '../../../../dev/stack/secure.ts';

describe('Strimzi KafkaUsers as Kafka ACL bindings', () => {
  it('maps resource type, pattern type and each operation to one ALLOW binding of the user', () => {
    const [user] = kafkaUsers(`
apiVersion: kafka.strimzi.io/v1
kind: KafkaUser
metadata: {name: u}
spec:
  authentication: {type: scram-sha-512}
  authorization:
    type: simple
    acls:
      - resource: {type: transactionalId, name: t-, patternType: prefix}
        operations: [Write, Describe]
      - resource: {type: cluster}
        operations: [IdempotentWrite]
---
kind: ConfigMap
metadata: {name: other}
`);
    expect(user!.name).toBe('u');
    expect(user!.acls).toEqual([
      { resourceType: resourceTypes.transactionalId, resourceName: 't-', resourcePatternType: patternTypes.prefix, principal: 'User:u', host: '*', operation: operations.Write, permissionType: 3 },
      { resourceType: resourceTypes.transactionalId, resourceName: 't-', resourcePatternType: patternTypes.prefix, principal: 'User:u', host: '*', operation: operations.Describe, permissionType: 3 },
      { resourceType: resourceTypes.cluster, resourceName: 'kafka-cluster', resourcePatternType: patternTypes.literal, principal: 'User:u', host: '*', operation: operations.IdempotentWrite, permissionType: 3 },
    ]);
  });

  it('refuses what it cannot map instead of granting something else', () => {
    expect(() => kafkaUsers('kind: KafkaUser\nmetadata: {name: u}\nspec: {authentication: {type: scram-sha-512}, authorization: {acls: [{resource: {type: topic, name: x}, operations: [Frobnicate]}]}}'))
      .toThrow('KafkaUser u: unknown operation "Frobnicate"');
    expect(() => kafkaUsers('kind: KafkaUser\nmetadata: {name: u}\nspec: {authentication: {type: tls}}')).toThrow('only scram-sha-512');
  });

  it('reads every user of k8s/base/users.yaml and the local tools of dev/kafka/dev-users.yaml', () => {
    const users = secureUsers(checkoutRoot);
    expect(users.map((u) => u.name)).toEqual([
      'kalibra-calibrator', 'kalibra-sink-raw', 'kalibra-sink-calibrated', 'kalibra-replay', 'kalibra-simulator', 'kalibra-topics-check',
    ]);
    expect(kafkaUsers(readFileSync(join(checkoutRoot, 'k8s', 'base', 'users.yaml'), 'utf8'))).toHaveLength(4);
    for (const user of users) expect(user.acls.length).toBeGreaterThan(0);
  });
});
