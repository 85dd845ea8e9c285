import { lazy } from './lazy.js';

/** The S3 request presigner, imported on first use (only the reports API presigns). */
export const presignerSdk = /* @__PURE__ */ lazy(() => import('@aws-sdk/s3-request-presigner'));
