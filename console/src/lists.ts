/** A comma-separated value (a URL parameter, an API list) as its items, empty ones dropped. */
export const listOf = (v: string | undefined): string[] => (v ? v.split(',').filter(Boolean) : []);
