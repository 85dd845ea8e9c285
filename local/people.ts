import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { CONSOLE_SCOPES } from '../functions/shared/people/index.js';
import { writeFileAtomic } from './files.js';

/**
 * The local stand-in for Cognito's hosted sign-in: people (an admin is created on the first start), the
 * console's public app client, authorization codes bound to a PKCE challenge, refresh tokens. The token
 * scopes come from the same pre token generation trigger as on AWS (`functions/sign-in/handler.ts`), which
 * also records the sign-in as adminLogin. People persist in `<dataDir>/people.json`.
 */

export const CONSOLE_CLIENT_ID = 'activity-events-console';
/** The scopes the console asks for (config.json), as Cognito's console app client allows. */
export const CONSOLE_REQUESTED_SCOPES = ['openid', 'email', ...CONSOLE_SCOPES];
const CODE_TTL_MS = 5 * 60_000;
export const REFRESH_TTL_MS = 12 * 3_600_000;

export interface LocalPerson {
  /** Cognito's `sub`. */
  id: string;
  email: string;
  password: string;
  groups: string[];
}

interface Grant {
  person: LocalPerson;
  scopes: string[];
}

interface PendingCode extends Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  expires: number;
}

/** What the pre token generation trigger answers (the `sign-in` function's handler). */
export type TokenTrigger = (
  event: PreTokenGenerationV2TriggerEvent,
) => Promise<PreTokenGenerationV2TriggerEvent>;

export class SignInError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_grant' | 'invalid_client' | 'unsupported_grant_type',
    message: string,
  ) {
    super(message);
  }
}

const base64url = (b: Buffer) => b.toString('base64url');

export class LocalPeople {
  readonly people: LocalPerson[];
  private readonly codes = new Map<string, PendingCode>();
  /** What each refresh token stands for: the scopes its sign-in asked for (not those granted). */
  private readonly refreshTokens = new Map<string, Grant & { clientId: string; expires: number }>();

  constructor(
    file: string,
    private readonly trigger: () => Promise<TokenTrigger>,
    private readonly now: () => number = Date.now,
  ) {
    if (existsSync(file))
      this.people = (JSON.parse(readFileSync(file, 'utf8')) as { people: LocalPerson[] }).people;
    else {
      this.people = [
        {
          id: randomUUID(),
          email: 'admin@activity-events.local',
          password: randomBytes(18).toString('base64url'),
          groups: ['admins'],
        },
      ];
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomic(file, `${JSON.stringify({ people: this.people }, null, 2)}\n`);
    }
  }

  /** The person created on the first start (the one `npm start` prints). */
  get admin(): LocalPerson {
    return this.people[0] as LocalPerson;
  }

  /** Check an email and password (case-insensitive email, constant-time password comparison). */
  authenticate(email: string, password: string): LocalPerson | undefined {
    const person = this.people.find((p) => p.email.toLowerCase() === email.trim().toLowerCase());
    const a = createHash('sha256')
      .update(person?.password ?? randomBytes(16))
      .digest();
    const b = createHash('sha256').update(password).digest();
    return person && timingSafeEqual(a, b) ? person : undefined;
  }

  /** The trigger's view of a token issuance: the scopes the person's groups leave of those requested. */
  private async scopesFor(
    person: LocalPerson,
    requested: readonly string[],
    source: 'TokenGeneration_HostedAuth' | 'TokenGeneration_RefreshTokens',
    clientId: string,
  ): Promise<string[]> {
    const event = {
      version: '2',
      region: 'us-east-1',
      userPoolId: 'local',
      triggerSource: source,
      userName: person.email,
      callerContext: { awsSdkVersion: 'local', clientId },
      request: {
        userAttributes: { sub: person.id, email: person.email, email_verified: 'true' },
        groupConfiguration: { groupsToOverride: person.groups, iamRolesToOverride: [] },
        scopes: [...requested],
      },
      response: { claimsAndScopeOverrideDetails: {} },
    } as unknown as PreTokenGenerationV2TriggerEvent;
    const out = await (await this.trigger())(event);
    const suppress = new Set(
      out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress ?? [],
    );
    return requested.filter((s) => !suppress.has(s));
  }

  /** Forget codes and refresh tokens past their time (checked on every new one: the maps stay small). */
  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.codes) if (v.expires < now) this.codes.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.expires < now) this.refreshTokens.delete(k);
  }

  /**
   * A successful sign-in on the authorize page: a single-use code for this redirect URI and PKCE
   * challenge, holding the scopes asked for (the trigger decides which of them the token gets).
   */
  issueCode(
    person: LocalPerson,
    args: { clientId: string; redirectUri: string; challenge: string; scope: string },
  ): string {
    this.sweep();
    const requested = args.scope.split(/\s+/).filter((s) => CONSOLE_REQUESTED_SCOPES.includes(s));
    const code = base64url(randomBytes(24));
    this.codes.set(code, {
      person,
      scopes: requested,
      clientId: args.clientId,
      redirectUri: args.redirectUri,
      challenge: args.challenge,
      expires: this.now() + CODE_TTL_MS,
    });
    return code;
  }

  /**
   * The authorization_code grant: the code once (a failed redemption spends it too), with the verifier of
   * its challenge and its redirect URI. Then, as Cognito does when it issues tokens, the trigger works out
   * the scopes and records the sign-in (adminLogin).
   */
  async redeemCode(
    code: string,
    redirectUri: string,
    verifier: string,
  ): Promise<Grant & { refreshToken: string }> {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expires < this.now())
      throw new SignInError('invalid_grant', 'code is unknown, used or expired');
    if (pending.redirectUri !== redirectUri)
      throw new SignInError('invalid_grant', 'redirect_uri does not match the authorize request');
    const challenge = base64url(createHash('sha256').update(verifier).digest());
    if (!verifier || challenge !== pending.challenge) {
      throw new SignInError('invalid_grant', 'code_verifier does not match the code_challenge');
    }
    const scopes = await this.scopesFor(
      pending.person,
      pending.scopes,
      'TokenGeneration_HostedAuth',
      pending.clientId,
    );
    this.sweep();
    const refreshToken = base64url(randomBytes(32));
    this.refreshTokens.set(refreshToken, {
      person: pending.person,
      scopes: pending.scopes,
      clientId: pending.clientId,
      expires: this.now() + REFRESH_TTL_MS,
    });
    return { person: pending.person, scopes, refreshToken };
  }

  /**
   * The refresh_token grant: the trigger works out the scopes again from those the sign-in asked for (never
   * more), with the person's groups as they were at sign-in (people.json is read at start).
   */
  async refresh(refreshToken: string): Promise<Grant> {
    const g = this.refreshTokens.get(refreshToken);
    if (!g || g.expires < this.now()) {
      this.refreshTokens.delete(refreshToken);
      throw new SignInError('invalid_grant', 'refresh token is unknown or expired');
    }
    const scopes = await this.scopesFor(g.person, g.scopes, 'TokenGeneration_RefreshTokens', g.clientId);
    return { person: g.person, scopes };
  }

  /** Revocation (RFC 7009, Cognito's /oauth2/revoke): the refresh token stops working. Unknown tokens are fine. */
  revoke(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken);
  }
}
