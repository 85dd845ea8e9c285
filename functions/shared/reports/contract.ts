import * as z from 'zod';
import { FORMATS } from './reports.js';

/**
 * The answers of the report routes, for the OpenAPI document (functions/shared/openapi/). No handler imports
 * this module.
 */
/** A report as POST /reports and GET /reports answer it (no download URL: GET /reports/{report_id} has one). */
export const reportSchema = z
  .strictObject({
    report_id: z.string().meta({ description: 'Its id (a ULID)' }),
    status: z.enum(['pending', 'ready', 'failed']),
    format: z.enum(FORMATS),
    filters: z
      .record(z.string(), z.string())
      .meta({ description: 'The search filters it was asked for (lists comma-joined)' }),
    number_of_records: z.int().min(0),
    created_at: z.iso.datetime(),
    created_by: z.string().meta({ description: 'The actor id of who asked for it' }),
    completed_at: z.iso.datetime().optional(),
    error: z.string().optional().meta({ description: 'Why it failed (status failed)' }),
  })
  .meta({
    id: 'Report',
    examples: [
      {
        report_id: '01KA6Z3V9Q8R2N4M5P6T7W8X9Y',
        status: 'ready',
        format: 'csv',
        filters: { source: 'cis,verify,risk' },
        number_of_records: 1520,
        created_at: '2026-11-24T10:00:00.000Z',
        created_by: 'ops-client',
        completed_at: '2026-11-24T10:00:04.000Z',
      },
    ],
  });

/** GET /reports/{report_id}: the report, with a fresh presigned download URL when it is ready. */
export const reportWithDownloadSchema = reportSchema
  .extend({
    download_url: z.url().optional().meta({
      description:
        "When ready: a presigned URL, valid for the stack's report URL lifetime (10 minutes by default)",
    }),
    download_url_expires_at: z.iso.datetime().optional(),
  })
  .meta({ id: 'ReportWithDownload' });

export const reportListSchema = z
  .strictObject({
    data: z.array(reportSchema).meta({ description: 'The most recent reports, newest first' }),
    next_before: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `before` for the next page; null on the last page' }),
  })
  .meta({ id: 'ReportList' });
