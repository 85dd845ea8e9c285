/**
 * A client made on first use. Its factory imports the SDK package with `import()`, which esbuild keeps as a
 * dynamic import of the external package, so the package is loaded by the first call, not at cold start.
 * A handler that needs the client on every request makes it at cold start instead (`await client()` at
 * module scope); a handler that needs it only on some requests (an audit event, one destination kind)
 * leaves it to the first request that does. Module-scope `lazy()` calls carry esbuild's `@__PURE__`
 * annotation so a bundle that never uses one drops it, with its `import()`.
 */
export type Lazy<T> = () => Promise<T>;

/** Memoise `make`: every call returns the same value; a failed attempt is retried by the next call. */
export function lazy<T>(make: () => Promise<T>): Lazy<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((err: unknown) => {
      made = undefined;
      throw err;
    });
    return made;
  };
}

/** A value already at hand, as a Lazy (for callers and tests that hold a client). */
export const ready =
  <T>(value: T): Lazy<T> =>
  () =>
    Promise.resolve(value);
