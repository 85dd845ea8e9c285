import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import {
  Aws,
  BOOTSTRAP_QUALIFIER_CONTEXT,
  type CfnElement,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachedMethods,
  CachePolicy,
  Distribution,
  GeoRestriction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type Bucket, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  CONFIG_PATH,
  type ConsoleConfig,
  cacheControl,
  contentSecurityPolicy,
  SECURITY_HEADERS,
} from '../console/runtime.js';
import { privateBucket } from './building-blocks.js';

/** Deployment settings of the console (the Admin Portal); bin/app.ts builds them from CDK context. */
export interface ConsoleSettings {
  /**
   * Deploy the console. Default: with Cognito auth, yes; with an OIDC provider, only when its console client
   * is given (`AuthConfig` `console`).
   */
  enabled?: boolean;
  /** Cognito only: the first admin, created with this email as username and invited by email. */
  adminEmail?: string;
  /**
   * Cognito only: require MFA (TOTP) of every person. Default optional: a pool created before this setting
   * may refuse the change (README, "Console").
   */
  requireMfa?: boolean;
  /** A WAF web ACL (scope CLOUDFRONT, created in us-east-1) in front of the console, by ARN. */
  webAclArn?: string;
  /** A custom domain for the console, with `certificateArn` (an ACM certificate in us-east-1 covering it). */
  domainName?: string;
  certificateArn?: string;
  /** Countries (ISO 3166-1 alpha-2) that may reach the console; default: everywhere. */
  allowedCountries?: string[];
}

export interface ConsoleProps {
  /** The built console (`buildConsole().dir`): index.html and the hashed assets/ of a Vite build. */
  dir: string;
  /** Where the console's page may connect and post forms to, besides itself (its Content-Security-Policy). */
  connect: { apiOrigin: string; authOrigin: string };
  settings: ConsoleSettings;
  /** The stack's server access log bucket. */
  accessLogs: IBucket;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

/** The build's folder of hashed files (Vite's `assets/`). */
const ASSETS = 'assets';

/**
 * The console's hosting: a private S3 bucket behind a CloudFront distribution (origin access control, HTTPS
 * only, HTTP/2 and 3, the single-page app's routes answered with index.html), every response carrying the
 * Content-Security-Policy and security headers of console/runtime.ts, caching as `cacheControl` says (hashed
 * assets for a year, index.html and config.json never). `deploy` uploads the build and the runtime
 * `config.json`, then invalidates what is not cached by name.
 *
 * Construction and deployment are two steps because the pieces refer to each other one way: the distribution
 * exists first, the Cognito app client (callback URL) and the API (CORS) are given its URL, and `deploy`
 * writes their URLs and ids into config.json.
 */
export class Console extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeaders: ResponseHeadersPolicy;
  /** The console's origin, `https://<domain>` (no trailing slash). */
  readonly url: string;
  private readonly props: ConsoleProps;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    this.props = props;
    const s = props.settings;
    if (!existsSync(join(props.dir, 'index.html')) || !existsSync(join(props.dir, ASSETS))) {
      throw new Error(
        `${props.dir} is not a console build (index.html and assets/ expected): build it first with buildConsole() (console/build.ts), as bin/app.ts does`,
      );
    }
    if (!s.domainName !== !s.certificateArn) {
      throw new Error('console domainName and certificateArn go together');
    }

    // The console's assets never expire.
    this.bucket = privateBucket(this, 'Bucket', {
      removalPolicy: props.removalPolicy,
      accessLogs: props.accessLogs,
      logPrefix: 'console/',
    });
    // CloudFront standard logs are delivered with ACLs, which the stack's access-log bucket (owner enforced)
    // refuses: they get a bucket of their own.
    this.logBucket = privateBucket(this, 'CdnLogs', {
      days: 90,
      removalPolicy: props.removalPolicy,
      accessLogs: props.accessLogs,
      logPrefix: 'console-cdn-logs/',
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
    });

    const stack = Stack.of(this);
    // Response headers and cache policies are named per account: the name carries stack and region.
    const policyName = (what: string) => `${stack.stackName}-console-${what}-${Aws.REGION}`;
    const hsts = SECURITY_HEADERS.strictTransportSecurity;
    if (SECURITY_HEADERS.contentTypeOptions !== 'nosniff') {
      throw new Error('CloudFront can only send X-Content-Type-Options: nosniff');
    }
    this.responseHeaders = new ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: policyName('headers'),
      comment: 'Activity Events console: Content-Security-Policy and security headers (console/runtime.ts)',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.connect),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(hsts.maxAgeSeconds),
          includeSubdomains: hsts.includeSubdomains,
          override: true,
        },
        frameOptions: {
          frameOption: enumValue(HeadersFrameOption, SECURITY_HEADERS.frameOptions),
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: enumValue(HeadersReferrerPolicy, SECURITY_HEADERS.referrerPolicy),
          override: true,
        },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Activity Events console (${stack.stackName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        // Every object carries its Cache-Control (`cacheControl` in console/runtime.ts, set by `deploy`).
        cachePolicy: CachePolicy.USE_ORIGIN_CACHE_CONTROL_HEADERS,
        responseHeadersPolicy: this.responseHeaders,
        compress: true,
      },
      // The single-page app's routes (/user-activity, /journeys/{id}, …) are not objects: S3 answers 403
      // (no list permission) or 404, and the app's index.html is served instead, never cached.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'console/',
      ...(s.webAclArn ? { webAclId: s.webAclArn } : {}),
      ...(s.domainName && s.certificateArn
        ? {
            domainNames: [s.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', s.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(s.allowedCountries?.length
        ? { geoRestriction: GeoRestriction.allowlist(...s.allowedCountries) }
        : {}),
    });
    this.url = `https://${s.domainName ?? this.distribution.distributionDomainName}`;

    const acks = [];
    if (!s.allowedCountries?.length) {
      acks.push({
        id: 'AwsSolutions-CFR1',
        reason:
          'Who may use the console is decided by sign-in and groups, not by country; `consoleAllowedCountries` restricts it when wanted.',
      });
    }
    if (!s.webAclArn) {
      acks.push({
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves only the public static files of the console, no data (the API is separate and takes tokens); `consoleWebAclArn` attaches a WAF web ACL when wanted.',
      });
    }
    if (!s.certificateArn) {
      acks.push({
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate does not allow choosing the viewer TLS policy; a custom domain (`consoleDomainName`, `consoleCertificateArn`) uses TLSv1.2_2021.',
      });
    }
    if (acks.length > 0) Validations.of(this.distribution).acknowledge(...acks);
  }

  /**
   * Upload the build and `config.json`. The hashed assets go first and are never pruned (a page loaded
   * before the deploy may still ask for its own), then index.html and config.json, which replace the old
   * ones and are invalidated at the edge.
   */
  deploy(config: ConsoleConfig): void {
    const dir = this.props.dir;
    const stack = Stack.of(this);
    // One Cache-Control per deployment: check that `cacheControl` gives every file of each group the same.
    const assetsCache = cacheControl(`/${ASSETS}/`);
    const siteCache = cacheControl('/index.html');
    for (const file of listFiles(dir)) {
      const key = `/${relative(dir, file).split(sep).join('/')}`;
      if (key === `/${STAMP}`) continue;
      const expected = key.startsWith(`/${ASSETS}/`) ? assetsCache : siteCache;
      if (cacheControl(key) !== expected) {
        throw new Error(
          `console/runtime.ts cacheControl('${key}') is not '${expected}': deploy it on its own`,
        );
      }
    }
    if (cacheControl(CONFIG_PATH) !== siteCache) {
      throw new Error(`console/runtime.ts cacheControl('${CONFIG_PATH}') is not '${siteCache}'`);
    }

    // The deployment functions log to one group with the stack's retention (CDK shares one function).
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: this.props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const common = {
      destinationBucket: this.bucket,
      logGroup,
      memoryLimit: 512,
      outputObjectKeys: false,
    };
    const assets = new BucketDeployment(this, 'DeployAssets', {
      ...common,
      sources: [Source.asset(join(dir, ASSETS))],
      destinationKeyPrefix: `${ASSETS}/`,
      prune: false,
      cacheControl: [CacheControl.fromString(assetsCache)],
    });
    const site = new BucketDeployment(this, 'DeploySite', {
      ...common,
      sources: [
        Source.asset(dir, { exclude: [ASSETS, STAMP] }),
        Source.jsonData(CONFIG_PATH.replace(/^\//, ''), config),
      ],
      // The assets belong to the deployment above: not replaced, not pruned by this one.
      exclude: [`${ASSETS}/*`],
      cacheControl: [CacheControl.fromString(siteCache)],
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html', CONFIG_PATH],
    });
    site.node.addDependency(assets);

    // CDK's deployment function: one per stack and memory size, a child of the stack (not of this construct).
    const handlers = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    const bucketArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>`;
    for (const target of handlers) {
      Validations.of(target).acknowledge(
        {
          id: 'AwsSolutions-L1',
          reason:
            "CDK's BucketDeployment function: its runtime is chosen by the CDK version, not by this project.",
        },
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            "CDK's BucketDeployment function: AWSLambdaBasicExecutionRole only allows writing its logs.",
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
          reason:
            'BucketDeployment reads the console build from the CDK asset bucket and syncs the console bucket.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
          reason:
            'BucketDeployment lists the CDK asset bucket and the console bucket to sync them (CDK grant).',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:List*]',
          reason:
            'BucketDeployment lists the CDK asset bucket and the console bucket to sync them (CDK grant).',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          reason: 'BucketDeployment replaces index.html and config.json in the console bucket (CDK grant).',
        },
        {
          id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
          reason:
            'BucketDeployment aborts its own failed multipart uploads to the console bucket (CDK grant).',
        },
        {
          id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
          reason: 'Every object of the console bucket: the deployment owns its whole content.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket(stack)}/*]`,
          reason: "The CDK bootstrap asset bucket: the build's zip is an asset object named by its hash.",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'CloudFront CreateInvalidation/GetInvalidation on the console distribution (CDK grant).',
        },
      );
    }
  }
}

/** The CDK bootstrap asset bucket's name as cdk-nag shows it (default synthesizer naming). */
function assetBucket(stack: Stack): string {
  const qualifier =
    (stack.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  return `cdk-${qualifier}-assets-${account}-${region}`;
}

/** The build's source hash file (console/build.ts): not deployed. */
const STAMP = '.source-hash';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** The CDK enum member whose value is `value` (console/runtime.ts holds the header values as strings). */
function enumValue<E extends Record<string, string>>(e: E, value: string): E[keyof E] {
  const found = Object.values(e).find((v) => v === value);
  if (found === undefined) throw new Error(`CloudFront does not support the header value '${value}'`);
  return found as E[keyof E];
}
