// Runs an emulator's script in a child process that ends with its parent: the local runner spawns it with an
// IPC channel, and when the runner goes (even by kill -9, which runs no exit handler) the channel closes and
// this process exits, so no orphan keeps a port or a LevelDB lock that would stop the next `npm start`.
// Usage: node local/child.cjs <script> [args...]
const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: child.cjs <script> [args...]\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
// The script sees its own argv, as if started directly.
process.argv = [process.argv[0], script, ...args];
require(script);
