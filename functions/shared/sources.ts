/** Event sources, as in seed 003's stream "Event type" setting. */
export const SOURCES = ['cis', 'verify', 'risk', 'admin'] as const;
export type Source = (typeof SOURCES)[number];

export const SOURCE_LABELS: Record<Source, string> = {
  cis: 'Customer identity (authentication, user management, journeys)',
  verify: 'Identity Verification',
  risk: 'Fraud Prevention',
  admin: 'Admin activities',
};

export function isSource(v: unknown): v is Source {
  return typeof v === 'string' && (SOURCES as readonly string[]).includes(v);
}
