import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileAtomic } from './files.js';

interface Secret {
  arn: string;
  name: string;
  value: string;
  created: number;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/**
 * A minimal AWS Secrets Manager for the local runner (JSON 1.1 protocol): CreateSecret, PutSecretValue,
 * GetSecretValue, DescribeSecret, ListSecrets, DeleteSecret. Secrets persist in one JSON file. It lets the
 * exporter read destination secrets through the real SDK client, and any AWS CLI or SDK create them:
 *   aws secretsmanager create-secret --name activity-events/hec --secret-string <token> --endpoint-url <url>
 */
export class LocalSecretsManager {
  private readonly secrets = new Map<string, Secret>();
  private server?: http.Server;

  constructor(private readonly file: string) {
    if (existsSync(file)) {
      for (const s of JSON.parse(readFileSync(file, 'utf8')) as Secret[]) this.secrets.set(s.name, s);
    }
  }

  private save() {
    writeFileAtomic(this.file, `${JSON.stringify([...this.secrets.values()], null, 2)}\n`);
  }

  private find(id: unknown): Secret | undefined {
    if (typeof id !== 'string') return undefined;
    return this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.arn === id);
  }

  /** A secret's ARN, creating it with `make()` when it does not exist yet. */
  ensure(name: string, make: () => string): string {
    return this.secrets.get(name)?.arn ?? this.put(name, make());
  }

  /** Create or replace a secret; returns its ARN. */
  put(name: string, value: string): string {
    const existing = this.secrets.get(name);
    const arn =
      existing?.arn ??
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${randomBytes(3).toString('hex')}`;
    this.secrets.set(name, { arn, name, value, created: existing?.created ?? Date.now() / 1000 });
    this.save();
    return arn;
  }

  private handle(target: string, body: Record<string, unknown>): [number, unknown] {
    const notFound = (): [number, unknown] => [
      400,
      { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
    ];
    switch (target) {
      case 'CreateSecret': {
        const name = String(body.Name ?? '');
        if (!name) return [400, { __type: 'InvalidParameterException', message: 'Name is required' }];
        if (this.secrets.has(name)) {
          return [400, { __type: 'ResourceExistsException', message: `The secret ${name} already exists.` }];
        }
        const arn = this.put(name, String(body.SecretString ?? ''));
        return [200, { ARN: arn, Name: name, VersionId: randomBytes(8).toString('hex') }];
      }
      case 'PutSecretValue': {
        const s = this.find(body.SecretId);
        if (!s) return notFound();
        this.put(s.name, String(body.SecretString ?? ''));
        return [200, { ARN: s.arn, Name: s.name, VersionId: randomBytes(8).toString('hex') }];
      }
      case 'GetSecretValue': {
        const s = this.find(body.SecretId);
        if (!s) return notFound();
        return [
          200,
          { ARN: s.arn, Name: s.name, SecretString: s.value, VersionId: 'v1', CreatedDate: s.created },
        ];
      }
      case 'DescribeSecret': {
        const s = this.find(body.SecretId);
        if (!s) return notFound();
        return [200, { ARN: s.arn, Name: s.name, CreatedDate: s.created }];
      }
      case 'ListSecrets':
        return [200, { SecretList: [...this.secrets.values()].map((s) => ({ ARN: s.arn, Name: s.name })) }];
      case 'DeleteSecret': {
        const s = this.find(body.SecretId);
        if (!s) return notFound();
        this.secrets.delete(s.name);
        this.save();
        return [200, { ARN: s.arn, Name: s.name, DeletionDate: Date.now() / 1000 }];
      }
      default:
        return [400, { __type: 'UnknownOperationException', message: `unsupported operation ${target}` }];
    }
  }

  listen(port: number): Promise<number> {
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const target =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        /* handled as missing fields */
      }
      const [status, out] = this.handle(target, body);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(out));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
