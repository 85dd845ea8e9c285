/** Event sources, as in seed 003's stream "Event type" setting. */
export const SOURCES = ['cis', 'verify', 'risk', 'admin'] as const;
export type Source = (typeof SOURCES)[number];

export function isSource(v: unknown): v is Source {
  return typeof v === 'string' && (SOURCES as readonly string[]).includes(v);
}
