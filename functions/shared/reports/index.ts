/**
 * Reports: requests (POST/GET /reports) and the worker that writes a search to an object.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */
export { reportListSchema, reportSchema, reportWithDownloadSchema } from './contract.js';
export {
  CSV_COLUMNS,
  csvCell,
  csvRow,
  failReport,
  generateReport,
  listReports,
  listReportsQuerySchema,
  pendingReportIds,
  reportMessage,
  reportRequestSchema,
  reportView,
  requestReport,
} from './reports.js';
