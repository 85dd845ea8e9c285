/** `npm run build:console`: build the console now (console/dist/<hash>); a running `npm start` serves it. */
import { buildConsole } from '../console/build.js';

const started = Date.now();
const { dir } = await buildConsole({ force: true });
console.log(`built ${dir} in ${Date.now() - started} ms`);
