import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';

/** An App with cdk.json's context (feature flags), so tests synthesize what `cdk synth` would; no bundling. */
export function testApp(extra: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...extra } });
}
