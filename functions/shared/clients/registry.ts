/** Every SDK client the factories made, so the local runner can close their sockets before stopping the emulators. */
const created: Array<{ destroy(): void }> = [];

export const track = <C extends { destroy(): void }>(c: C): C => {
  created.push(c);
  return c;
};

/** Close the sockets of every client made by the factories (the local runner calls this before stopping emulators). */
export function destroyClients(): void {
  for (const c of created) c.destroy();
}
