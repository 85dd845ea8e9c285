/**
 * `npm start`: the whole service on this machine, on loopback, with no AWS account and no Docker.
 * PORT (default 4000) sets the API port; the emulators and stand-ins listen on PORT+1..PORT+6 (+3 unused). Data lives
 * in .local/. `npm start` execs node, so a SIGTERM sent to it reaches this process.
 */
// The handlers' structured logs: warnings and errors unless LOG_LEVEL says otherwise. Set before the
// logger loads (its level is fixed per invocation from the environment).
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.LOG_LEVEL ?? 'WARN';
// No EMF metric lines unless asked (POWERTOOLS_METRICS_DISABLED=false): set before the handlers' metrics
// module loads (Powertools reads it once), that is before the runner is imported.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { startLocal } = await import('./runner.js');

const port = Number(process.env.PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got '${process.env.PORT}'`);
  process.exit(2);
}

const quiet = process.env.LOCAL_QUIET === '1';
const started = Date.now();
const runner = await startLocal({
  port,
  ...(process.env.LOCAL_DATA_DIR ? { dataDir: process.env.LOCAL_DATA_DIR } : {}),
  ...(quiet
    ? {}
    : {
        onRequest: (l) =>
          console.log(`${new Date().toISOString()} ${l.method} ${l.path} ${l.status} ${l.ms}ms`),
      }),
}).catch((err: Error) => {
  console.error(`failed to start: ${err.message}`);
  process.exit(1);
});

const c = runner.credentials;
const indexes = runner.searchIndexes.length > 0 ? runner.searchIndexes.join(', ') : 'none';
const upgraded = runner.upgrades.map(
  (u) =>
    `\n  Upgraded     ${u.table}: indexes ${u.removed.join(', ') || 'none'} removed, ${u.added.join(', ') || 'none'} added (${u.items} items copied)`,
);
console.log(`Activity Events is running (started in ${Date.now() - started} ms).${upgraded.join('')}

  Console      ${c.console_url}
  Sign in as   ${c.console_user}
  Password     ${c.console_password}

  API          ${c.base_url}/activities/v1
  Token URL    ${c.token_url}
  Client id    ${c.client_id}
  Secret       ${c.client_secret}
  Scopes       ${c.scopes.join(' ')}
  DynamoDB     ${c.aws_endpoints.dynamodb}
  Kinesis      ${c.aws_endpoints.kinesis}
  S3           ${c.aws_endpoints.s3}
  Secrets      ${c.aws_endpoints.secretsmanager} (Secrets Manager API, for s3/gcs/splunk stream secrets)
  Search       indexes ${indexes} (SEARCH_INDEXES)
  Credentials  ${runner.dataDir}/credentials.json

${JSON.stringify(c, null, 2)}

Ctrl-C stops everything; data in ${runner.dataDir} survives a restart.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    runner
      .stop()
      .then(() => {
        console.log('stopped.');
        process.exit(0);
      })
      .catch((err: Error) => {
        console.error(`stop failed: ${err.message}`);
        process.exit(1);
      });
  });
}
