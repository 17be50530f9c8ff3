// What the broker (or the connection) said underneath a @platformatic/kafka error: the
// innermost errors of its nested MultipleErrors and causes, each with the broker's error id,
// e.g. ` (TOPIC_AUTHORIZATION_FAILED: Topic authorization failed.)`, so that a refusal names
// the missing permission in a one-line message.

/** ` (<id>: <message>; …)` of the innermost errors, or '' when the error nests none. */
export function kafkaErrorReasons(error: unknown): string {
  const nested = (e: Error): unknown[] => [...(e instanceof AggregateError ? (e.errors as unknown[]) : []), ...(e.cause === undefined ? [] : [e.cause])];
  const leaves = new Set<string>();
  const walk = (e: unknown): void => {
    if (!(e instanceof Error)) return;
    const inner = nested(e);
    const apiId = (e as Error & { apiId?: unknown }).apiId;
    if (inner.length === 0) leaves.add(typeof apiId === 'string' ? `${apiId}: ${e.message}` : e.message);
    inner.forEach(walk);
  };
  if (error instanceof Error && nested(error).length > 0) walk(error);
  return leaves.size === 0 ? '' : ` (${[...leaves].join('; ')})`;
}
