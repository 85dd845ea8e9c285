// Kinesalite (the Kinesis API on LevelDB) on loopback only: its own CLI listens on every interface.
// Usage: node local/kinesalite-server.cjs <port> <data dir>
const kinesalite = require('kinesalite');

const [port, path] = process.argv.slice(2);
const server = kinesalite({ path, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
server.listen(Number(port), '127.0.0.1');
