// Generated from docs/openapi.json by packages/client/scripts/generate.ts: do not edit.

export interface paths {
    "/activities/v1/activities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search events, newest first
         * @description Every filter combination is a key-condition query on one of the deployed search indexes (docs/search.md; by default `by_source` and `by_user`): a filter without an index of its own narrows the reads of one that serves. A page holds at most `limit` events and 4 MiB of event JSON; `next_cursor` continues (a short page with a cursor: keep paging). When no deployed index serves the filters, 400 naming the `searchIndexes` setting.
         */
        get: operations["searchEvents"];
        put?: never;
        /**
         * Ingest 1..500 events
         * @description Validates every event against the catalog and puts them on the stream. One invalid event rejects the whole request (400 with every problem by path); nothing is written. Events with a client `id` are stored once however often they are sent. At most 500 events and 1 MiB per request, 64 KiB per stored event.
         */
        post: operations["ingestEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/activities/aggregate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count and group events over time (dashboards)
         * @description Counts the events matching the search filters, grouped by one or two dimensions and over time. Over type, source, category, app and tenant it reads counters (`counted_from: counters`); anything else counts the events through the search indexes, up to 20,000 (400 beyond: narrow the window; 400 naming the `searchIndexes` setting when no deployed index serves the filters).
         */
        get: operations["aggregateEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/activities/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One event by id
         * @description The stored event, with the directory's values where it knows them. 404 for an id that is unknown, not yet stored (typically well under a second after the 202) or past retention.
         */
        get: operations["getEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/event-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event catalog */
        get: operations["listEventTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/event-types/{type}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One event type, with the JSON Schema (2020-12) of its events */
        get: operations["getEventType"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/activities/collect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Next batch of a custom stream (API polling)
         * @description Seed 003's call: the next batch of a custom stream, returned only once the stream's cursor has moved past it (two collectors never get the same event). `after` collects again from an earlier `cursor`. 409 `destination_not_pullable` for a pushed stream, `stream_paused` for a paused one, `conflict` (with `Retry-After`) when too many collectors race.
         */
        post: operations["collectEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/streams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List streams */
        get: operations["listStreams"];
        put?: never;
        /**
         * Create a stream
         * @description A stream delivers the events of one source to one destination: `custom` streams are collected (POST /activities/collect), the others pushed by the exporter. Recorded as the admin event `createStream`.
         */
        post: operations["createStream"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/streams/{stream_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One stream, with its health */
        get: operations["getStream"];
        put?: never;
        post?: never;
        /**
         * Delete a stream and its state
         * @description Delivery stops; the stream's cursor and state are deleted. Recorded as the admin event `deleteStream`.
         */
        delete: operations["deleteStream"];
        options?: never;
        head?: never;
        /**
         * Change a stream
         * @description `type` and `start_from` cannot change (400). Recorded as the admin event `updateStream`; 409 (with `Retry-After`) when the stream kept changing meanwhile.
         */
        patch: operations["updateStream"];
        trace?: never;
    };
    "/activities/v1/streams/{stream_id}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deliver a stream's failed batches again
         * @description Delivers the stream's batches from the failed-batch bucket (those its destination rejected as invalid data) again, oldest first; each is deleted once delivered. Call again while `remaining` is above 0.
         */
        post: operations["redriveStream"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/directory/{kind}/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Write an enrichment directory entry
         * @description Bulk-sync the enrichment directory: `users` take `{"email"}`, `apps` `{"name"}`, `admins` `{"email"?, "roles"?}` (at least one). The write is the newest fact about the entry. Recorded as the admin event `updateDirectory`; 409 (with `Retry-After`) when the entry kept changing meanwhile.
         */
        put: operations["putDirectoryEntry"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/analytics/journeys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Journey analytics from counters
         * @description Started, completed and failed journeys, their steps, funnel, failure reasons, session durations and a series, from counters the consumer keeps (never by scanning events). Session durations are a search of the session events: 400 naming the `searchIndexes` setting when no deployed index serves it.
         */
        get: operations["journeyAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/analytics/journeys/{journey_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One journey: funnel, durations, failure reasons, series
         * @description The same for one journey (zeros when the window has none of its events).
         */
        get: operations["oneJourneyAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent reports, newest first */
        get: operations["listReports"];
        put?: never;
        /**
         * Request a report
         * @description The search filters of GET /activities (validated exactly like a search, a deployed search index serving them included; `source` and `type` also as lists), written to a file asynchronously. Recorded as the admin events `reportRequested` and `reportGenerated`.
         */
        post: operations["requestReport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/reports/{report_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A report, with a download URL when ready */
        get: operations["getReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the token is: person or client, groups and scopes */
        get: operations["whoAmI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/me/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record a console person's sign-out (adminLogout)
         * @description A person signing out of the console: recorded as `adminLogout`. A client's token has no session (400 naming `authorization`).
         */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/activities/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This API as an OpenAPI 3.1 document (public)
         * @description This document, naming the URL it was asked on as its server and the stack's token endpoint. Public: no token. Also committed as `docs/openapi.json`.
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "from": "2026-11-24T00:00:00.000Z",
         *       "to": "2026-11-25T00:00:00.000Z",
         *       "interval": "1h",
         *       "group_by": [
         *         "type"
         *       ],
         *       "total": 1520,
         *       "groups": [
         *         {
         *           "key": {
         *             "type": "user_login"
         *           },
         *           "count": 900
         *         },
         *         {
         *           "key": {
         *             "type": "sms_sent"
         *           },
         *           "count": 400
         *         }
         *       ],
         *       "other": 220,
         *       "series": [
         *         {
         *           "t": "2026-11-24T00:00:00.000Z",
         *           "count": 61,
         *           "groups": {
         *             "user_login": 40,
         *             "sms_sent": 15
         *           },
         *           "other": 6
         *         }
         *       ],
         *       "counted_from": "counters",
         *       "items_read": 96
         *     }
         */
        Aggregate: {
            /**
             * Format: date-time
             * @description Start of the window counted (whole buckets or minutes)
             */
            from: string;
            /**
             * Format: date-time
             * @description End of the window counted (exclusive)
             */
            to: string;
            interval: ("1m" | "5m" | "15m" | "1h" | "1d") | null;
            group_by: ("type" | "source" | "category" | "app_id" | "tenant_id" | "user_id" | "actor_id" | "ip" | "target_resource_type")[];
            total: number;
            /** @description The top groups, largest first (`top` of them); empty without `group_by` */
            groups: {
                key: {
                    [key: string]: string | null;
                };
                count: number;
            }[];
            /** @description Events of the groups past `top` */
            other: number;
            /** @description One point per bucket of `interval` (every bucket, zeros included); empty without one */
            series: {
                /** Format: date-time */
                t: string;
                count: number;
                /** @description Each top group's count, labelled by its values `|`-joined in group_by order */
                groups: {
                    [key: string]: number;
                };
                other: number;
            }[];
            /**
             * @description How it was counted: the consumer's counters, or the events through the search indexes
             * @enum {string}
             */
            counted_from: "counters" | "indexes";
            items_read: number;
        };
        /**
         * @example {
         *       "data": [
         *         {
         *           "id": "01KA6Z3V9Q8R2N4M5P6T7W8X9Y",
         *           "type": "user_login",
         *           "source": "cis",
         *           "tenant_id": "default",
         *           "timestamp": "2026-11-24T10:00:00.000Z",
         *           "received_at": "2026-11-24T10:00:00.120Z",
         *           "app_id": "portal",
         *           "user_id": "u-123",
         *           "ip": "203.0.113.7",
         *           "data": {
         *             "auth_method": "passkey"
         *           },
         *           "user_email": "ada@example.com"
         *         }
         *       ],
         *       "cursor": "eyJ2IjoxLCJzIjoi…",
         *       "has_more": false
         *     }
         */
        CollectBatch: {
            /** @description At most batch_size events: as stored (`native`), or OCSF events (an `ocsf` stream) */
            data: (components["schemas"]["EnrichedEvent"] | components["schemas"]["OcsfEvent"])[];
            /** @description Where this batch ended; the stream's cursor has already moved there. Keep the last one you processed (`after`). */
            cursor: string;
            /** @description More events were waiting when the batch was cut: call again at once */
            has_more: boolean;
        };
        /**
         * @example {
         *       "kind": "users",
         *       "id": "u-123",
         *       "email": "ada@example.com"
         *     }
         */
        DirectoryEntry: {
            /** @enum {string} */
            kind: "users" | "apps" | "admins";
            id: string;
            email?: string;
            name?: string;
            roles?: string[];
        };
        /**
         * @description An event as stored, with the enrichment directory's values where it knows them (when enrichment is asked for)
         * @example {
         *       "id": "01KA6Z3V9Q8R2N4M5P6T7W8X9Y",
         *       "type": "user_login",
         *       "source": "cis",
         *       "tenant_id": "default",
         *       "timestamp": "2026-11-24T10:00:00.000Z",
         *       "received_at": "2026-11-24T10:00:00.120Z",
         *       "app_id": "portal",
         *       "user_id": "u-123",
         *       "ip": "203.0.113.7",
         *       "data": {
         *         "auth_method": "passkey"
         *       },
         *       "user_email": "ada@example.com",
         *       "app_name": "Customer portal"
         *     }
         */
        EnrichedEvent: {
            /** @description Event type: one of the catalog's (GET /activities/v1/event-types), or custom for your own */
            type: string;
            /** @description Client event id, unique within a request; retries with the same id store one event */
            id: string;
            /**
             * @description The source whose streams get the event: for custom events only (another type's source is the catalog's)
             * @enum {string}
             */
            source: "cis" | "verify" | "risk" | "admin";
            /** @description Tenant the event belongs to */
            tenant_id: string;
            /** @description Application the event happened in */
            app_id?: string;
            /** @description User the event is about */
            user_id?: string;
            /** @description Who performed the action: a user, an administrator or a service */
            actor_id?: string;
            /** @description Kind of actor, e.g. user, admin or service */
            actor_type?: string;
            /** @description Resource the action was performed on */
            target_resource_id?: string;
            /** @description Kind of the target resource, e.g. app or group */
            target_resource_type?: string;
            /** @description Client IP address, IPv4 or IPv6 */
            ip?: string;
            /** @description Client user agent */
            user_agent?: string;
            /**
             * Format: date-time
             * @description When the event happened, in UTC with milliseconds
             */
            timestamp: string;
            /** @description Changed fields, each with its previous and current value: {"field": {"prev": …, "current": …}} */
            changes?: {
                [key: string]: {
                    prev?: unknown;
                    current?: unknown;
                };
            };
            /** @description Type-specific details; the fields the catalog lists for the event's type are checked */
            data?: {
                [key: string]: unknown;
            };
            /**
             * Format: date-time
             * @description When the service accepted the event, in UTC with milliseconds
             */
            received_at: string;
            /** @description The directory's email of `user_id` */
            user_email?: string;
            /** @description The directory's name of `app_id` */
            app_name?: string;
            /** @description The directory's email of `actor_id` */
            actor_email?: string;
            /** @description The directory's roles of `actor_id` */
            actor_roles?: string[];
        };
        /**
         * @description The body of every error the service answers
         * @example {
         *       "error": {
         *         "code": "validation_failed",
         *         "message": "1 of 2 events are invalid; nothing was written",
         *         "details": [
         *           {
         *             "path": "events[1].data.auth_method",
         *             "message": "must be a string"
         *           }
         *         ]
         *       }
         *     }
         */
        Error: {
            error: {
                /**
                 * @description What went wrong: the kind of failure, or a more precise reason within it
                 * @enum {string}
                 */
                code: "invalid_request" | "invalid_json" | "invalid_cursor" | "validation_failed" | "payload_too_large" | "unsupported_media_type" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "destination_not_pullable" | "stream_paused" | "rate_limited" | "unavailable" | "internal_error";
                /** @description What went wrong, in the API's own words */
                message: string;
                /** @description Each problem, by path (validation errors) */
                details?: {
                    /** @description Where: a body field (`events[3].data.email`), a query or path parameter, or `(body)` */
                    path: string;
                    /** @description What the value must be */
                    message: string;
                }[];
            };
        };
        /** @description An event. `data` holds the type's fields (GET /activities/v1/event-types/{type} has the JSON Schema of each type's events). Ingest also checks what a schema cannot: ids unique within a request, the stored event at most 64 KiB, a timestamp at most 24 hours ahead, data and changes nested at most 32 levels. */
        EventInput: {
            /**
             * @description Event type: one of the catalog's (GET /activities/v1/event-types), or custom for your own
             * @example user_login
             * @example custom
             */
            type: string;
            /** @description Client event id, unique within a request; retries with the same id store one event */
            id?: string;
            /**
             * @description The source whose streams get the event: for custom events only (another type's source is the catalog's)
             * @enum {unknown}
             */
            source?: "cis" | "verify" | "risk" | "admin";
            /** @description Tenant the event belongs to */
            tenant_id?: string;
            /** @description Application the event happened in */
            app_id?: string;
            /** @description User the event is about */
            user_id?: string;
            /** @description Who performed the action: a user, an administrator or a service */
            actor_id?: string;
            /** @description Kind of actor, e.g. user, admin or service */
            actor_type?: string;
            /** @description Resource the action was performed on */
            target_resource_id?: string;
            /** @description Kind of the target resource, e.g. app or group */
            target_resource_type?: string;
            /** @description Client IP address, IPv4 or IPv6 */
            ip?: string;
            /** @description Client user agent */
            user_agent?: string;
            /**
             * Format: date-time
             * @description When the event happened, ISO 8601 with a timezone, at most 24 hours ahead; stored in UTC with milliseconds
             */
            timestamp?: string;
            /** @description Changed fields, each with its previous and current value: {"field": {"prev": …, "current": …}} */
            changes?: {
                [key: string]: {
                    prev?: unknown;
                    current?: unknown;
                };
            };
            /** @description Type-specific details; the fields the catalog lists for the event's type are checked */
            data?: {
                journey_id?: string | unknown;
                session_id?: string | unknown;
                step_id?: string | unknown;
            } & {
                [key: string]: unknown;
            };
        };
        EventType: {
            /** @description The value of an event's `type` */
            type: string;
            /** @enum {string} */
            source: "cis" | "verify" | "risk" | "admin";
            /** @enum {string} */
            category: "journeys" | "user_management" | "identity_verification" | "fraud_prevention" | "admin" | "user_activity" | "onboarding" | "authentication" | "authentication_policy" | "AUDIT_LOG";
            /** @description Display name */
            name: string;
            description: string;
            /** @description The `data` fields ingest checks for this type */
            fields: {
                name: string;
                /** @enum {string} */
                type: "string" | "number" | "integer" | "boolean" | "string[]" | "object" | "timestamp" | "json";
                description: string;
                required?: boolean;
                /** @description The field's name in seed 004, where snake_casing changed it */
                seed?: string;
            }[];
            origin: {
                seed001?: string;
                seed002?: boolean;
                /** @enum {string} */
                seed004?: "User Activity" | "Onboarding Activity" | "Authentication Activity" | "Authentication Policy" | "Identity Verification" | "Administrator Activity" | "Reporting Activity";
                /** @constant */
                service?: true;
            };
            /** @description Types of the other vendor's catalog that record the same fact */
            equivalents?: string[];
            /** @description Seed 004: its field names that are the envelope, and which field each is */
            envelope?: {
                [key: string]: string;
            };
            /** @description Seed 004: its `old_*`/`new_*` pairs, also written as `changes[field]` */
            changes?: {
                field: string;
                prev: string;
                current: string;
            }[];
        };
        EventTypeWithSchema: {
            /** @description The value of an event's `type` */
            type: string;
            /** @enum {string} */
            source: "cis" | "verify" | "risk" | "admin";
            /** @enum {string} */
            category: "journeys" | "user_management" | "identity_verification" | "fraud_prevention" | "admin" | "user_activity" | "onboarding" | "authentication" | "authentication_policy" | "AUDIT_LOG";
            /** @description Display name */
            name: string;
            description: string;
            /** @description The `data` fields ingest checks for this type */
            fields: {
                name: string;
                /** @enum {string} */
                type: "string" | "number" | "integer" | "boolean" | "string[]" | "object" | "timestamp" | "json";
                description: string;
                required?: boolean;
                /** @description The field's name in seed 004, where snake_casing changed it */
                seed?: string;
            }[];
            origin: {
                seed001?: string;
                seed002?: boolean;
                /** @enum {string} */
                seed004?: "User Activity" | "Onboarding Activity" | "Authentication Activity" | "Authentication Policy" | "Identity Verification" | "Administrator Activity" | "Reporting Activity";
                /** @constant */
                service?: true;
            };
            /** @description Types of the other vendor's catalog that record the same fact */
            equivalents?: string[];
            /** @description Seed 004: its field names that are the envelope, and which field each is */
            envelope?: {
                [key: string]: string;
            };
            /** @description Seed 004: its `old_*`/`new_*` pairs, also written as `changes[field]` */
            changes?: {
                field: string;
                prev: string;
                current: string;
            }[];
            /** @description The JSON Schema (2020-12) of an event of this type, as POST /activities accepts it */
            schema: {
                [key: string]: unknown;
            };
        };
        /**
         * @example {
         *       "message": "Unauthorized"
         *     }
         */
        GatewayError: {
            message: string;
        };
        /**
         * @example {
         *       "accepted": 2,
         *       "ids": [
         *         "01KA6Z3V9Q8R2N4M5P6T7W8X9Y",
         *         "login-4711"
         *       ]
         *     }
         */
        IngestResult: {
            /** @description Events put on the stream */
            accepted: number;
            /** @description The accepted events' ids, in request order (the client's, or new ULIDs) */
            ids: string[];
            /** @description 207 only: events the stream refused after retries. Send them again (with their ids, retries are idempotent). */
            failed?: {
                /** @description The event's place in the request */
                index: number;
                id: string;
                /** @description The stream's error code (e.g. ProvisionedThroughputExceededException) */
                code: string;
                message: string;
            }[];
        };
        /**
         * @example {
         *       "from": "2026-11-18T00:00:00.000Z",
         *       "to": "2026-11-25T00:00:00.000Z",
         *       "interval": "day",
         *       "journeys": [
         *         {
         *           "journey_id": "signup",
         *           "started": 120,
         *           "completed_successfully": 100,
         *           "completed_unsuccessfully": 15,
         *           "success_rate": 0.8696,
         *           "steps": [
         *             {
         *               "step_id": "email",
         *               "started": 118,
         *               "completed": 110
         *             }
         *           ],
         *           "funnel": [
         *             {
         *               "step_id": "email",
         *               "started": 118,
         *               "completed": 110,
         *               "dropped_before_next": 12
         *             },
         *             {
         *               "step_id": "phone",
         *               "started": 98,
         *               "completed": 95,
         *               "dropped_before_next": null
         *             }
         *           ],
         *           "failure_reasons": [
         *             {
         *               "reason": "document rejected",
         *               "count": 9
         *             }
         *           ],
         *           "duration_ms": {
         *             "p50": 48000,
         *             "p95": 212000,
         *             "sessions": 113
         *           },
         *           "series": [
         *             {
         *               "start": "2026-11-21T00:00:00.000Z",
         *               "started": 60,
         *               "completed_successfully": 50,
         *               "completed_unsuccessfully": 7
         *             }
         *           ]
         *         }
         *       ],
         *       "durations": {
         *         "session_events_read": 348,
         *         "complete": true
         *       }
         *     }
         */
        JourneyAnalytics: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /** @enum {string} */
            interval: "hour" | "day";
            journeys: components["schemas"]["JourneyStats"][];
            /** @description Session events read for `duration_ms`; `complete` false past the read limit (narrow the window) */
            durations: {
                session_events_read: number;
                complete: boolean;
            };
        };
        /**
         * @example {
         *       "journey_id": "signup",
         *       "started": 120,
         *       "completed_successfully": 100,
         *       "completed_unsuccessfully": 15,
         *       "success_rate": 0.8696,
         *       "steps": [
         *         {
         *           "step_id": "email",
         *           "started": 118,
         *           "completed": 110
         *         }
         *       ],
         *       "funnel": [
         *         {
         *           "step_id": "email",
         *           "started": 118,
         *           "completed": 110,
         *           "dropped_before_next": 12
         *         },
         *         {
         *           "step_id": "phone",
         *           "started": 98,
         *           "completed": 95,
         *           "dropped_before_next": null
         *         }
         *       ],
         *       "failure_reasons": [
         *         {
         *           "reason": "document rejected",
         *           "count": 9
         *         }
         *       ],
         *       "duration_ms": {
         *         "p50": 48000,
         *         "p95": 212000,
         *         "sessions": 113
         *       },
         *       "series": [
         *         {
         *           "start": "2026-11-21T00:00:00.000Z",
         *           "started": 60,
         *           "completed_successfully": 50,
         *           "completed_unsuccessfully": 7
         *         }
         *       ]
         *     }
         */
        JourneyStats: {
            journey_id: string;
            started: number;
            completed_successfully: number;
            completed_unsuccessfully: number;
            /** @description successful / (successful + unsuccessful); null before any completion */
            success_rate: number | null;
            steps: {
                step_id: string;
                started: number;
                completed: number;
            }[];
            /** @description Steps in the order they were first started */
            funnel: {
                step_id: string;
                started: number;
                completed: number;
                dropped_before_next: number | null;
            }[];
            /** @description `data.reason` of the journey's session_error events, most frequent first */
            failure_reasons: {
                reason: string;
                count: number;
            }[];
            /** @description Session durations (nearest rank); null without sessions or past the read limit */
            duration_ms: {
                p50: number;
                p95: number;
                sessions: number;
            } | null;
            series: {
                /** Format: date-time */
                start: string;
                started: number;
                completed_successfully: number;
                completed_unsuccessfully: number;
            }[];
        };
        /**
         * @example {
         *       "actor_id": "8f1c2d3e-0000-4000-8000-000000000001",
         *       "kind": "person",
         *       "username": "ada@example.com",
         *       "groups": [
         *         "admins"
         *       ],
         *       "scopes": [
         *         "activities/read",
         *         "streams/manage"
         *       ]
         *     }
         */
        Me: {
            /** @description What audit events record as the actor: a person's user id, or the client id */
            actor_id: string;
            /** @enum {string} */
            kind: "person" | "client";
            /** @description A person's sign-in name (people only) */
            username?: string;
            /** @description A person's console groups (empty for a client) */
            groups: ("admins" | "viewers")[];
            /** @description The token's scopes */
            scopes: string[];
        };
        /** @description An OCSF 1.5.0 event of its class (docs/ocsf.md) */
        OcsfEvent: {
            activity_id: number;
            activity_name: string;
            category_uid: number;
            category_name: string;
            class_uid: number;
            class_name: string;
            type_uid: number;
            type_name: string;
            severity_id: number;
            severity: string;
            /** @description Event time, epoch milliseconds */
            time: number;
            message: string;
            metadata: {
                /** @constant */
                version: "1.5.0";
                product: {
                    name: string;
                    vendor_name: string;
                } & {
                    [key: string]: unknown;
                };
                /** @description The event's id */
                uid: string;
                /** @description The event's type */
                event_code: string;
                /** @description The event's source */
                log_name: string;
                tenant_uid: string;
                original_time: string;
                logged_time: number;
            } & {
                [key: string]: unknown;
            };
            unmapped?: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "from": "2026-11-18T00:00:00.000Z",
         *       "to": "2026-11-25T00:00:00.000Z",
         *       "interval": "day",
         *       "journey": {
         *         "journey_id": "signup",
         *         "started": 120,
         *         "completed_successfully": 100,
         *         "completed_unsuccessfully": 15,
         *         "success_rate": 0.8696,
         *         "steps": [
         *           {
         *             "step_id": "email",
         *             "started": 118,
         *             "completed": 110
         *           }
         *         ],
         *         "funnel": [
         *           {
         *             "step_id": "email",
         *             "started": 118,
         *             "completed": 110,
         *             "dropped_before_next": 12
         *           },
         *           {
         *             "step_id": "phone",
         *             "started": 98,
         *             "completed": 95,
         *             "dropped_before_next": null
         *           }
         *         ],
         *         "failure_reasons": [
         *           {
         *             "reason": "document rejected",
         *             "count": 9
         *           }
         *         ],
         *         "duration_ms": {
         *           "p50": 48000,
         *           "p95": 212000,
         *           "sessions": 113
         *         },
         *         "series": [
         *           {
         *             "start": "2026-11-21T00:00:00.000Z",
         *             "started": 60,
         *             "completed_successfully": 50,
         *             "completed_unsuccessfully": 7
         *           }
         *         ]
         *       },
         *       "durations": {
         *         "session_events_read": 348,
         *         "complete": true
         *       }
         *     }
         */
        OneJourneyAnalytics: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /** @enum {string} */
            interval: "hour" | "day";
            journey: components["schemas"]["JourneyStats"];
            /** @description Session events read for `duration_ms`; `complete` false past the read limit (narrow the window) */
            durations: {
                session_events_read: number;
                complete: boolean;
            };
        };
        /**
         * @example {
         *       "stream_id": "01KA6Z3V9Q8R2N4M5P6T7W8X9Y",
         *       "redriven_batches": 2,
         *       "redriven_events": 200,
         *       "failed": [],
         *       "remaining": 0
         *     }
         */
        RedriveResult: {
            stream_id: string;
            redriven_batches: number;
            redriven_events: number;
            /** @description Batches the destination refused again (they stay in the failed-batch bucket) */
            failed: {
                key: string;
                error: string;
            }[];
            /** @description Batches not attempted before the request's time ran out: call again */
            remaining: number;
        };
        /**
         * @example {
         *       "report_id": "01KA6Z3V9Q8R2N4M5P6T7W8X9Y",
         *       "status": "ready",
         *       "format": "csv",
         *       "filters": {
         *         "source": "cis,verify,risk"
         *       },
         *       "number_of_records": 1520,
         *       "created_at": "2026-11-24T10:00:00.000Z",
         *       "created_by": "ops-client",
         *       "completed_at": "2026-11-24T10:00:04.000Z"
         *     }
         */
        Report: {
            /** @description Its id (a ULID) */
            report_id: string;
            /** @enum {string} */
            status: "pending" | "ready" | "failed";
            /** @enum {string} */
            format: "csv" | "ndjson";
            /** @description The search filters it was asked for (lists comma-joined) */
            filters: {
                [key: string]: string;
            };
            number_of_records: number;
            /** Format: date-time */
            created_at: string;
            /** @description The actor id of who asked for it */
            created_by: string;
            /** Format: date-time */
            completed_at?: string;
            /** @description Why it failed (status failed) */
            error?: string;
        };
        ReportList: {
            /** @description The most recent reports, newest first */
            data: components["schemas"]["Report"][];
            /** @description Pass as `before` for the next page; null on the last page */
            next_before: string | null;
        };
        ReportWithDownload: {
            /** @description Its id (a ULID) */
            report_id: string;
            /** @enum {string} */
            status: "pending" | "ready" | "failed";
            /** @enum {string} */
            format: "csv" | "ndjson";
            /** @description The search filters it was asked for (lists comma-joined) */
            filters: {
                [key: string]: string;
            };
            number_of_records: number;
            /** Format: date-time */
            created_at: string;
            /** @description The actor id of who asked for it */
            created_by: string;
            /** Format: date-time */
            completed_at?: string;
            /** @description Why it failed (status failed) */
            error?: string;
            /**
             * Format: uri
             * @description When ready: a presigned URL, valid for the stack's report URL lifetime (10 minutes by default)
             */
            download_url?: string;
            /** Format: date-time */
            download_url_expires_at?: string;
        };
        /**
         * @example {
         *       "data": [
         *         {
         *           "id": "01KA6Z3V9Q8R2N4M5P6T7W8X9Y",
         *           "type": "user_login",
         *           "source": "cis",
         *           "tenant_id": "default",
         *           "timestamp": "2026-11-24T10:00:00.000Z",
         *           "received_at": "2026-11-24T10:00:00.120Z",
         *           "app_id": "portal",
         *           "user_id": "u-123",
         *           "ip": "203.0.113.7",
         *           "data": {
         *             "auth_method": "passkey"
         *           },
         *           "user_email": "ada@example.com"
         *         }
         *       ],
         *       "next_cursor": "eyJ2IjoyLCJiIjoi…"
         *     }
         */
        SearchPage: {
            /** @description Events, newest first */
            data: components["schemas"]["EnrichedEvent"][];
            /** @description Pass as `cursor` (with the same filters) for the next page; null on the last page */
            next_cursor: string | null;
        };
        /**
         * @example {
         *       "stream_id": "01KA6Z3V9Q8R2N4M5P6T7W8X9Y",
         *       "name": "siem-cis",
         *       "type": "cis",
         *       "destination": {
         *         "kind": "custom"
         *       },
         *       "batch_size": 50,
         *       "enrichment": true,
         *       "format": "native",
         *       "event_types": null,
         *       "start_from": "now",
         *       "status": "active",
         *       "collect_url": "https://api.example.com/activities/v1/activities/collect?type=cis&stream_id=01KA6Z3V9Q8R2N4M5P6T7W8X9Y&batch_size=50",
         *       "health": {
         *         "last_collected_at": null,
         *         "last_delivery_at": null,
         *         "last_error": null,
         *         "consecutive_failures": 0,
         *         "lag": 0
         *       },
         *       "created_at": "2026-11-24T10:00:00.000Z",
         *       "updated_at": "2026-11-24T10:00:00.000Z",
         *       "created_by": "ops-client"
         *     }
         */
        Stream: {
            stream_id: string;
            name: string;
            /**
             * @description The event source it delivers
             * @enum {string}
             */
            type: "cis" | "verify" | "risk" | "admin";
            destination: {
                /** @constant */
                kind: "custom";
            } | {
                /** @constant */
                kind: "s3";
                bucket?: string;
                prefix?: string;
            } | {
                /** @constant */
                kind: "gcs";
                bucket: string;
                prefix?: string;
                hmac_secret_arn: string;
            } | {
                /** @constant */
                kind: "splunk";
                url: string;
                token_secret_arn: string;
                index?: string;
                sourcetype?: string;
                source?: string;
                ack?: boolean;
                ack_timeout_seconds?: number;
                gzip?: boolean;
                ca_secret_arn?: string;
            } | {
                /** @constant */
                kind: "kafka";
                brokers: string[];
                topic: string;
                tls?: boolean;
                ca_secret_arn?: string;
                /** @enum {string} */
                sasl?: "scram-sha-256" | "scram-sha-512" | "plain" | "aws-iam";
                credentials_secret_arn?: string;
            };
            batch_size: number;
            enrichment: boolean;
            /** @enum {string} */
            format: "native" | "ocsf";
            /** @description Only these types; null for all */
            event_types: string[] | null;
            /** @description `now`, `earliest` or the ISO 8601 time it started from */
            start_from: string;
            /** @enum {string} */
            status: "active" | "paused" | "error";
            /** @description Why the stream is in error or was paused by the service */
            status_reason?: string;
            /** @description The exact collect call a SIEM makes (null for pushed destinations) */
            collect_url: string | null;
            health: {
                last_collected_at: string | null;
                last_delivery_at: string | null;
                last_error: string | null;
                consecutive_failures: number;
                /** @description Events of the stream's source committed and not yet passed by its cursor */
                lag: number | null;
            };
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** @description The actor id of who created it */
            created_by: string;
        };
        StreamList: {
            /** @description Every stream, oldest first */
            data: components["schemas"]["Stream"][];
        };
    };
    responses: {
        /** @description The request is wrong: `invalid_json` (the body is not JSON), `validation_failed` (fields, query or path parameters; `details` lists each problem by path), `invalid_cursor` (a `cursor` or `after` this service did not hand out), `invalid_request`. Nothing was written. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "validation_failed",
                 *         "message": "invalid search parameters",
                 *         "details": [
                 *           {
                 *             "path": "limit",
                 *             "message": "must be an integer from 1 to 1000"
                 *           }
                 *         ]
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No token, or one that is malformed, forged or expired (API Gateway answers `{"message": "Unauthorized"}`). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "unauthorized",
                 *         "message": "token expired"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
        /** @description The token holds none of the scopes the route accepts. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "forbidden",
                 *         "message": "this route requires one of the scopes: streams/manage"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
        /** @description No such resource (`not_found`). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "not_found",
                 *         "message": "no stream with id '01KA6Z3V9Q8R2N4M5P6T7W8X9Y'"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The state does not allow it: `conflict` (a concurrent change won: retry after `Retry-After`), `destination_not_pullable`, `stream_paused`. */
        Conflict: {
            headers: {
                /** @description Seconds after which trying again may succeed */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "stream_paused",
                 *         "message": "stream 01KA6Z3V9Q8R2N4M5P6T7W8X9Y is paused; PATCH its status to 'active' to collect"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body is over the route's limit (`payload_too_large`). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "payload_too_large",
                 *         "message": "request body is 1048577 bytes; the limit is 1048576 bytes (1 MiB)"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
        /** @description A body sent without `Content-Type: application/json` (or `application/…+json`). */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "unsupported_media_type",
                 *         "message": "the body must be JSON sent as Content-Type: application/json, not text/plain"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Over the stage's throttling limits (API Gateway answers `{"message": "Too Many Requests"}`). */
        TooManyRequests: {
            headers: {
                /** @description Seconds after which trying again may succeed */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Too Many Requests"
                 *     }
                 */
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
        /** @description A fault on our side (`internal_error`); the message carries only a request id. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "internal_error",
                 *         "message": "internal error (request id 3f0c…)"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
        /** @description A dependency accepted nothing (`unavailable`); retry after `Retry-After`. */
        Unavailable: {
            headers: {
                /** @description Seconds after which trying again may succeed */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "error": {
                 *         "code": "unavailable",
                 *         "message": "the event stream did not accept any event; retry the request (events with a client id are de-duplicated)"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    searchEvents: {
        parameters: {
            query?: {
                /**
                 * @description `cis`, `verify`, `risk` or `admin`, or several separated by commas (`cis,verify,risk`: everything but admin activity)
                 * @example cis
                 */
                source?: string;
                /** @description An event type, or several separated by commas (`user_login,user_logout`); at most 100 */
                type?: string;
                /** @description `true`: the listed types and the types that record the same fact in the other vendor's catalog (needs `type`) */
                equivalents?: "true" | "false";
                /** @description Exact match */
                user_id?: string;
                /** @description Exact match */
                app_id?: string;
                /** @description Exact match */
                actor_id?: string;
                /** @description Exact match */
                tenant_id?: string;
                /** @description IPv4 or IPv6 address */
                ip?: string;
                /** @description `data.session_id`, exactly */
                session_id?: string;
                /** @description `data.journey_id`, exactly */
                journey_id?: string;
                /** @description `data.step_id`, exactly */
                step_id?: string;
                /** @description `data.reason`, exactly: a journey failure reason */
                reason?: string;
                /** @description Admin activity: on what */
                target_resource_id?: string;
                /** @description Admin activity: on what kind of resource */
                target_resource_type?: string;
                /** @description Admin activity: by what kind of actor */
                actor_type?: string;
                /** @description A user id, an email or a username (case-insensitive), resolved to user ids through the directory */
                user?: string;
                /** @description The catalog's types of a category (and so its source) */
                category?: "journeys" | "user_management" | "identity_verification" | "fraud_prevention" | "admin" | "user_activity" | "onboarding" | "authentication" | "authentication_policy" | "AUDIT_LOG";
                /** @description Event time, ISO 8601 with a timezone, inclusive */
                from?: string;
                /** @description Event time, ISO 8601 with a timezone, inclusive */
                to?: string;
                /**
                 * @description Events per page
                 * @example 5
                 */
                limit?: number;
                /** @description `next_cursor` of the previous page (with the same filters) */
                cursor?: string;
                /** @description `true`: add the directory's `user_email`, `app_name`, `actor_email`, `actor_roles` to each event */
                enrich?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of events, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    ingestEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description 1 to 500 events. At most 1 MiB of JSON. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "events": [
                 *         {
                 *           "type": "user_login",
                 *           "id": "login-4711",
                 *           "user_id": "u-123",
                 *           "app_id": "portal",
                 *           "ip": "203.0.113.7",
                 *           "timestamp": "2026-11-24T10:00:00Z",
                 *           "data": {
                 *             "auth_method": "passkey"
                 *           }
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    events: components["schemas"]["EventInput"][];
                };
            };
        };
        responses: {
            /** @description Every event is on the stream (ids in request order) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngestResult"];
                };
            };
            /** @description The stream kept refusing some events after retries: `failed` names them; send them again */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngestResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    aggregateEvents: {
        parameters: {
            query?: {
                /** @description `cis`, `verify`, `risk` or `admin`, or several separated by commas (`cis,verify,risk`: everything but admin activity) */
                source?: string;
                /** @description An event type, or several separated by commas (`user_login,user_logout`); at most 100 */
                type?: string;
                /** @description `true`: the listed types and the types that record the same fact in the other vendor's catalog (needs `type`) */
                equivalents?: "true" | "false";
                /** @description Exact match */
                user_id?: string;
                /** @description Exact match */
                app_id?: string;
                /** @description Exact match */
                actor_id?: string;
                /** @description Exact match */
                tenant_id?: string;
                /** @description IPv4 or IPv6 address */
                ip?: string;
                /** @description `data.session_id`, exactly */
                session_id?: string;
                /** @description `data.journey_id`, exactly */
                journey_id?: string;
                /** @description `data.step_id`, exactly */
                step_id?: string;
                /** @description `data.reason`, exactly: a journey failure reason */
                reason?: string;
                /** @description Admin activity: on what */
                target_resource_id?: string;
                /** @description Admin activity: on what kind of resource */
                target_resource_type?: string;
                /** @description Admin activity: by what kind of actor */
                actor_type?: string;
                /** @description A user id, an email or a username (case-insensitive), resolved to user ids through the directory */
                user?: string;
                /** @description The catalog's types of a category (and so its source) */
                category?: "journeys" | "user_management" | "identity_verification" | "fraud_prevention" | "admin" | "user_activity" | "onboarding" | "authentication" | "authentication_policy" | "AUDIT_LOG";
                /** @description Start of the window (default: 24 hours before `to`) */
                from?: string;
                /** @description End of the window (default: now) */
                to?: string;
                /**
                 * @description One or two dimensions, comma-separated
                 * @example type
                 */
                group_by?: string;
                /**
                 * @description A series over the window, one point per bucket (at most 2,000 buckets)
                 * @example 1h
                 */
                interval?: "1m" | "5m" | "15m" | "1h" | "1d";
                /** @description Groups returned; the rest is summed in `other` */
                top?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The counts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Aggregate"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getEvent: {
        parameters: {
            query?: {
                /** @description `false` leaves the directory's values out */
                enrich?: "true" | "false";
            };
            header?: never;
            path: {
                /**
                 * @description The event's id
                 * @example 01KA6Z3V9Q8R2N4M5P6T7W8X9Y
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnrichedEvent"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listEventTypes: {
        parameters: {
            query?: {
                /**
                 * @description Only the types of this source
                 * @example risk
                 */
                source?: "cis" | "verify" | "risk" | "admin";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The catalog */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["EventType"][];
                        count: number;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getEventType: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description An event type
                 * @example E_LOGIN_SUCCEEDED
                 */
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The type, with the JSON Schema of its events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventTypeWithSchema"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    collectEvents: {
        parameters: {
            query: {
                /**
                 * @description The stream's source
                 * @example cis
                 */
                type: "cis" | "verify" | "risk" | "admin";
                /**
                 * @description The stream
                 * @example 01KA6Z3V9Q8R2N4M5P6T7W8X9Y
                 */
                stream_id: string;
                /**
                 * @description Events per batch (default: the stream's)
                 * @example 5
                 */
                batch_size?: number;
                /** @description A `cursor` this stream handed out: collect from there instead of the stream's position */
                after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The next batch */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CollectBatch"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listStreams: {
        parameters: {
            query?: {
                /**
                 * @description Only the streams of this source
                 * @example cis
                 */
                type?: "cis" | "verify" | "risk" | "admin";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The streams */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StreamList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The stream. At most 64 KiB of JSON. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "siem-cis",
                 *       "type": "cis",
                 *       "destination": {
                 *         "kind": "s3",
                 *         "prefix": "siem/cis"
                 *       },
                 *       "batch_size": 100,
                 *       "start_from": "earliest"
                 *     }
                 */
                "application/json": {
                    /** @description A name for people */
                    name: string;
                    /**
                     * @description The event source it delivers
                     * @enum {string}
                     */
                    type: "cis" | "verify" | "risk" | "admin";
                    /** @description Where the events go: `custom` (collected), or a pushed destination (docs/exporters.md). A kind alone stands for `{"kind": …}`. */
                    destination?: ("custom" | "s3") | ({
                        /** @constant */
                        kind: "custom";
                    } | {
                        /** @constant */
                        kind: "s3";
                        bucket?: string;
                        prefix?: string;
                    } | {
                        /** @constant */
                        kind: "gcs";
                        bucket: string;
                        prefix?: string;
                        hmac_secret_arn: string;
                    } | {
                        /** @constant */
                        kind: "splunk";
                        url: string;
                        token_secret_arn: string;
                        index?: string;
                        sourcetype?: string;
                        source?: string;
                        ack?: boolean;
                        ack_timeout_seconds?: number;
                        gzip?: boolean;
                        ca_secret_arn?: string;
                    } | {
                        /** @constant */
                        kind: "kafka";
                        brokers: string[];
                        topic: string;
                        tls?: boolean;
                        ca_secret_arn?: string;
                        /** @enum {string} */
                        sasl?: "scram-sha-256" | "scram-sha-512" | "plain" | "aws-iam";
                        credentials_secret_arn?: string;
                    });
                    /**
                     * @description Events per batch
                     * @default 100
                     */
                    batch_size?: number;
                    /**
                     * @description Add the directory's `user_email`, `app_name`, `actor_email`, `actor_roles`
                     * @default false
                     */
                    enrichment?: boolean;
                    /**
                     * @description `native`: events as stored; `ocsf`: each event as an OCSF 1.x event of its class
                     * @default native
                     * @enum {string}
                     */
                    format?: "native" | "ocsf";
                    /** @description Only these types (each of the stream's source); omit for all */
                    event_types?: string[];
                    /**
                     * @description `now`, `earliest` (every event within retention) or an ISO 8601 time
                     * @default now
                     */
                    start_from?: string;
                };
            };
        };
        responses: {
            /** @description The stream */
            201: {
                headers: {
                    /** @description The path of what was made */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stream"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The stream
                 * @example 01KA6Z3V9Q8R2N4M5P6T7W8X9Y
                 */
                stream_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stream, with its health */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stream"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The stream
                 * @example 01KA6Z3V9Q8R2N4M5P6T7W8X9Y
                 */
                stream_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    updateStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The stream
                 * @example 01KA6Z3V9Q8R2N4M5P6T7W8X9Y
                 */
                stream_id: string;
            };
            cookie?: never;
        };
        /** @description The fields to change. At most 64 KiB of JSON. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "batch_size": 200,
                 *       "enrichment": true
                 *     }
                 */
                "application/json": {
                    name?: string;
                    destination?: ("custom" | "s3") | ({
                        /** @constant */
                        kind: "custom";
                    } | {
                        /** @constant */
                        kind: "s3";
                        bucket?: string;
                        prefix?: string;
                    } | {
                        /** @constant */
                        kind: "gcs";
                        bucket: string;
                        prefix?: string;
                        hmac_secret_arn: string;
                    } | {
                        /** @constant */
                        kind: "splunk";
                        url: string;
                        token_secret_arn: string;
                        index?: string;
                        sourcetype?: string;
                        source?: string;
                        ack?: boolean;
                        ack_timeout_seconds?: number;
                        gzip?: boolean;
                        ca_secret_arn?: string;
                    } | {
                        /** @constant */
                        kind: "kafka";
                        brokers: string[];
                        topic: string;
                        tls?: boolean;
                        ca_secret_arn?: string;
                        /** @enum {string} */
                        sasl?: "scram-sha-256" | "scram-sha-512" | "plain" | "aws-iam";
                        credentials_secret_arn?: string;
                    });
                    batch_size?: number;
                    enrichment?: boolean;
                    /** @enum {string} */
                    format?: "native" | "ocsf";
                    /** @description `null` clears the filter */
                    event_types?: string[] | null;
                    /**
                     * @description `paused` stops delivery; `active` resumes it
                     * @enum {string}
                     */
                    status?: "active" | "paused";
                };
            };
        };
        responses: {
            /** @description The stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stream"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    redriveStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The stream
                 * @example 01KA6Z3V9Q8R2N4M5P6T7W8X9Y
                 */
                stream_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What was delivered */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedriveResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    putDirectoryEntry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description What the id is of
                 * @example users
                 */
                kind: "users" | "apps" | "admins";
                /**
                 * @description A user, app or admin id, as events carry it
                 * @example u-123
                 */
                id: string;
            };
            cookie?: never;
        };
        /** @description The entry, by kind. At most 16 KiB of JSON. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "ada@example.com"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                } | {
                    name: string;
                } | {
                    /** Format: email */
                    email?: string;
                    roles?: string[];
                };
            };
        };
        responses: {
            /** @description The entry as it now is */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DirectoryEntry"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    journeyAnalytics: {
        parameters: {
            query?: {
                /** @description Start (default: 7 days before `to`) */
                from?: string;
                /** @description End (default: now) */
                to?: string;
                /** @description Only this journey */
                journey_id?: string;
                /**
                 * @description The series: hourly or daily buckets (UTC)
                 * @example hour
                 */
                interval?: "hour" | "day";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every journey of the window */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JourneyAnalytics"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    oneJourneyAnalytics: {
        parameters: {
            query?: {
                /** @description Start (default: 7 days before `to`) */
                from?: string;
                /** @description End (default: now) */
                to?: string;
                /**
                 * @description The journey (a `journey_id` query parameter, if given, must be the same)
                 * @example signup
                 */
                journey_id?: string;
                /**
                 * @description The series: hourly or daily buckets (UTC)
                 * @example day
                 */
                interval?: "hour" | "day";
            };
            header?: never;
            path: {
                /**
                 * @description The journey (a `journey_id` query parameter, if given, must be the same)
                 * @example signup
                 */
                journey_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The journey */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OneJourneyAnalytics"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listReports: {
        parameters: {
            query?: {
                /**
                 * @description Reports per page
                 * @example 5
                 */
                limit?: number;
                /** @description `next_before` of the previous page */
                before?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Recent reports, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    requestReport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The filters and the format. At most 64 KiB of JSON. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "source": [
                 *         "cis",
                 *         "verify",
                 *         "risk"
                 *       ],
                 *       "from": "2026-11-01T00:00:00Z",
                 *       "format": "csv"
                 *     }
                 */
                "application/json": {
                    /** @description `cis`, `verify`, `risk` or `admin`, or several separated by commas (`cis,verify,risk`: everything but admin activity) */
                    source?: string | string[];
                    /** @description An event type, or several separated by commas (`user_login,user_logout`); at most 100 */
                    type?: string | string[];
                    /**
                     * @description `true`: the listed types and the types that record the same fact in the other vendor's catalog (needs `type`)
                     * @enum {string}
                     */
                    equivalents?: "true" | "false";
                    /** @description Exact match */
                    user_id?: string;
                    /** @description Exact match */
                    app_id?: string;
                    /** @description Exact match */
                    actor_id?: string;
                    /** @description Exact match */
                    tenant_id?: string;
                    /** @description IPv4 or IPv6 address */
                    ip?: string;
                    /** @description `data.session_id`, exactly */
                    session_id?: string;
                    /** @description `data.journey_id`, exactly */
                    journey_id?: string;
                    /** @description `data.step_id`, exactly */
                    step_id?: string;
                    /** @description `data.reason`, exactly: a journey failure reason */
                    reason?: string;
                    /** @description Admin activity: on what */
                    target_resource_id?: string;
                    /** @description Admin activity: on what kind of resource */
                    target_resource_type?: string;
                    /** @description Admin activity: by what kind of actor */
                    actor_type?: string;
                    /** @description A user id, an email or a username (case-insensitive), resolved to user ids through the directory */
                    user?: string;
                    /**
                     * @description The catalog's types of a category (and so its source)
                     * @enum {string}
                     */
                    category?: "journeys" | "user_management" | "identity_verification" | "fraud_prevention" | "admin" | "user_activity" | "onboarding" | "authentication" | "authentication_policy" | "AUDIT_LOG";
                    /**
                     * Format: date-time
                     * @description Event time, ISO 8601 with a timezone, inclusive
                     */
                    from?: string;
                    /**
                     * Format: date-time
                     * @description Event time, ISO 8601 with a timezone, inclusive
                     */
                    to?: string;
                    /**
                     * @description The file: CSV (one row per event) or NDJSON
                     * @default csv
                     * @enum {string}
                     */
                    format?: "csv" | "ndjson";
                };
            };
        };
        responses: {
            /** @description The report, pending */
            202: {
                headers: {
                    /** @description The path of what was made */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Report"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getReport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The report
                 * @example 01KA6Z3V9Q8R2N4M5P6T7W8X9Y
                 */
                report_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report; when ready, with a download URL */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportWithDownload"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    whoAmI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who the token is */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Recorded */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                        info: {
                            [key: string]: unknown;
                        };
                        paths: {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
}
