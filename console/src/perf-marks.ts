/** The moments `npm run bench` measures on the console (performance marks, relative to the navigation). */
export const MARKS = { firstRows: 'ae:first-rows', histogram: 'ae:histogram' } as const;

/** A performance mark, made once per page load. */
export function markOnce(name: string) {
  if (typeof performance !== 'undefined' && performance.getEntriesByName(name).length === 0)
    performance.mark(name);
}
