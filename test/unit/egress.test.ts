import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressProblem, cidrList, egressFetch } from '../../functions/shared/destinations/egress.js';
import { DeliveryError, deliverToSplunk } from '../../functions/shared/destinations/index.js';
import { ready } from '../../functions/shared/platform/clients/lazy.js';

/** A HEC-like receiver on loopback: what a destination inside the network would be. */
let server: http.Server;
let port = 0;
let received = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('egress rules of pushed destinations', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.7', true],
    ['172.20.1.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['::1', true],
    ['fd00:ec2::254', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['203.0.113.7', false],
    ['8.8.8.8', false],
    ['2001:4860:4860::8888', false],
  ])('refuses %s unless allowed: %s', (ip, refused) => {
    expect(addressProblem(ip, cidrList([])) !== undefined).toBe(refused);
    expect(addressProblem(ip, cidrList(['0.0.0.0/0', '::/0']))).toBeUndefined();
  });

  it('refuses to connect to a loopback address, by literal or by a name resolving to it, as a configuration error', async () => {
    const send = egressFetch(cidrList([]));
    for (const host of ['127.0.0.1', 'localhost']) {
      const err = await send(`http://${host}:${port}/services/collector/event`, {
        method: 'POST',
        body: '{}',
      }).catch((e: unknown) => e);
      expect(err, host).toBeInstanceOf(DeliveryError);
      expect((err as DeliveryError).kind).toBe('config');
      expect((err as DeliveryError).message).toMatch(/127\.0\.0\.1 is a loopback/);
    }
    expect(received).toBe(0);
  });

  it('connects where the deployment allows it, and answers like fetch', async () => {
    const res = await egressFetch(cidrList(['127.0.0.0/8']))(`http://localhost:${port}/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ text: 'Success', code: 0 });
  });

  it('makes a Splunk delivery to a refused address a stream configuration error, sending nothing', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'hec-token' });
    const before = received;
    const err = await deliverToSplunk(
      {
        kind: 'splunk',
        url: `http://localhost:${port}`,
        token_secret_arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:activity-events/hec-AbCdEf',
      },
      'cis',
      {
        streamId: 's',
        source: 'cis',
        lines: ['{"id":"e1","timestamp":"2026-11-30T10:00:00.000Z"}'],
        firstId: 'e1',
        lastId: 'e1',
        firstAt: 0,
        sent: 0,
      },
      {
        sm: ready(new SecretsManagerClient({})),
        maxBatchBytes: 1_000_000,
        timeLeft: () => 60_000,
        allowCidrs: [],
      },
    ).catch((e: unknown) => e);
    sm.restore();
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).kind).toBe('config');
    expect(received).toBe(before);
  });
});
