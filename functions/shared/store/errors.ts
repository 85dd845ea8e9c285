/** True for DynamoDB's conditional-check failure (checked by name, so it holds across SDK copies and mocks). */
export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
