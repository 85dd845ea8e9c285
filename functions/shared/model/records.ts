/**
 * The event stream's record format, shared by what writes records (ingest, audit events, stream start
 * markers) and what reads them (the consumer): a record's data is a stored event's JSON, with two additions.
 */

/** The key of a record's place in its ingest request, added after the event's fields (see encodeEvents). */
export const ORDER_KEY = '$o';

/** Stream-position markers (written by stream creation) carry this key; they only advance the watermark. */
export const MARKER_KEY = '$marker';
