/** Event sources, as in seed 003's stream "Event type" setting. */
export const SOURCES = ['cis', 'verify', 'risk', 'admin'] as const;
export type Source = (typeof SOURCES)[number];

/** The sources as people know them (seed 003's stream "Event type" setting): the console's labels. */
export const SOURCE_NAMES: Record<Source, string> = {
  cis: 'Customer identity',
  verify: 'Identity verification',
  risk: 'Fraud prevention',
  admin: 'Admin activities',
};

export function isSource(v: unknown): v is Source {
  return typeof v === 'string' && (SOURCES as readonly string[]).includes(v);
}
