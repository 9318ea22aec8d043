// Generated from docs/openapi.json by `npm run gen:api` (scripts/gen-api.mjs). Do not edit.

export interface paths {
    "/blocks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The users the caller blocked. */
        get: operations["list_blocks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/blocks/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Blocks a user: they can no longer add the caller to a group, open a direct chat with the
         *     caller, or message the caller in one (403, without saying why). Idempotent.
         */
        put: operations["block_user"];
        post?: never;
        /** Unblocks a user. Idempotent. */
        delete: operations["unblock_user"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/charges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Charges where the caller is the payer or the payee, a page at a time. */
        get: operations["list_charges"];
        put?: never;
        /**
         * Charges a payer (the caller, a provider or an admin, is the payee): the debit and the
         *     credit are one atomic change, never below zero, once per `idempotency_key`.
         */
        post: operations["create_charge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's groups, a page at a time, with the last `seq`, the read mark and the unread
         *     count of each.
         */
        get: operations["list_groups"];
        put?: never;
        /** Creates a group, or a direct chat (one per pair of users: asking again returns it). */
        post: operations["create_group"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A group with its members. */
        get: operations["get_group"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Renames a group (its owner or an admin). */
        patch: operations["rename_group"];
        trace?: never;
    };
    "/groups/{group_id}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Announces a file for the group and answers where to upload it: a `PUT` of exactly `size`
         *     bytes to `upload.url` with `upload.headers`, no bearer token, within 15 minutes. A send
         *     then names it in `attachments`.
         */
        post: operations["create_attachment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/hidden": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Hides a chat from the caller's `GET /groups` until a newer message arrives in it (or it
         *     is shown again, or opened again with `POST /groups`). Membership is unchanged.
         */
        put: operations["hide_group"];
        post?: never;
        /** Shows a hidden chat in the caller's `GET /groups` again. */
        delete: operations["unhide_group"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Adds a member (the group's owner or an admin; not to a direct chat). */
        post: operations["add_member"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Removes a member: the group's owner, an admin, or the member itself (leaving). */
        delete: operations["remove_member"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A page of a group's history in ascending `seq`; neither `after` nor `before` gives the
         *     newest messages.
         */
        get: operations["get_history"];
        put?: never;
        /**
         * Sends a message to a group: stored first (with the group's next `seq`), then delivered to
         *     every member's sessions.
         */
        post: operations["send_message"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/messages/{seq}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Deletes a message: its sender, the group's owner, or an admin. History keeps its `seq` as
         *     a tombstone (`deleted: true`, no text).
         */
        delete: operations["delete_message"];
        options?: never;
        head?: never;
        /** Changes a message's text: its sender only. The same text again is 200 and changes nothing. */
        patch: operations["edit_message"];
        trace?: never;
    };
    "/groups/{group_id}/messages/{seq}/reactions/{emoji}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Reacts to a message with one emoji; reacting again changes nothing. */
        put: operations["add_reaction"];
        post?: never;
        /** Takes the caller's reaction back; taking back one never made changes nothing. */
        delete: operations["remove_reaction"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Moves the caller's read mark in a group. */
        put: operations["mark_read"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/timer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The group's timer; its elapsed time is computed when read. */
        get: operations["get_timer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/timer/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pauses a running timer. */
        post: operations["pause_timer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/timer/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resumes a paused timer. */
        post: operations["resume_timer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/timer/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Starts a new run from zero (from `idle` or `stopped`), optionally with a rate to charge by. */
        post: operations["start_timer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group_id}/timer/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stops a running or paused timer; a stopped run can be charged (`from_timer`). */
        post: operations["stop_timer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/live/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A single-use ticket, valid 30 s, that opens the live channel (a WebSocket at `url`,
         *     `?ticket=<ticket>`) for the caller's session. Tokens never go into URLs; tickets do.
         */
        post: operations["create_live_ticket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's account and session. */
        get: operations["get_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/poll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Long-polls the caller's own inbox: first deletes what `ack` names, then answers as soon as
         *     events are waiting, or with none after `wait` seconds. Delivery is at least once.
         */
        post: operations["poll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Logs in: a new session (one per device) and its bearer token. */
        post: operations["log_in"];
        /**
         * Logs out everywhere: ends every session of the caller, this one included (a lost phone,
         *     a changed mind). Their tokens are refused from now on and their live connections close.
         */
        delete: operations["log_out_everywhere"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sessions/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Logs out: ends the caller's session (this device only) and deletes its inbox. */
        delete: operations["log_out"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Finds a user by username. */
        get: operations["find_users"];
        put?: never;
        /** Creates an account. A role other than `member` needs an admin's token. */
        post: operations["sign_up"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One user's public profile. */
        get: operations["get_user"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/wallet": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's balances. */
        get: operations["get_wallet"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/wallet/authorizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's live authorizations, with what each has left. */
        get: operations["list_authorizations"];
        put?: never;
        /**
         * The caller lets a provider charge them, up to `max_amount` in one currency, until
         *     `expires_at` or until revoked. Replaces the caller's earlier authorization for the same
         *     provider and currency.
         */
        post: operations["grant_authorization"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/wallet/authorizations/{authorization_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revokes one of the caller's authorizations: the provider can no longer charge under it. */
        delete: operations["revoke_authorization"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/wallet/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's ledger entries, a page at a time. */
        get: operations["list_wallet_entries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/wallets/{user_id}/credits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Credits a wallet (admins only); idempotent on `idempotency_key`. */
        post: operations["credit_wallet"];
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
        AddMemberInput: {
            role?: components["schemas"]["GroupRole"] | null;
            /** Format: uuid */
            user_id: string;
        };
        /** @description A file sent with a message. */
        Attachment: {
            content_type: string;
            filename: string;
            /** Format: uuid */
            id: string;
            /** Format: int64 */
            size: number;
            /** @description A download link valid for an hour, issued only to members (empty where stored). */
            url?: string;
        };
        AttachmentGrant: {
            attachment: components["schemas"]["Attachment"];
            upload: components["schemas"]["UploadGrant"];
        };
        AttachmentInput: {
            /** @description An image, PDF, plain text, or common audio or video type. */
            content_type: string;
            /** @description 1 to 255 characters, without control characters or slashes. */
            filename: string;
            /**
             * Format: int64
             * @description In bytes: 1 to the configured limit (25 MB by default). The upload must be exactly
             *     this long.
             */
            size: number;
        };
        /**
         * @description A payer's consent that a provider may charge them, up to `max_amount` in one currency,
         *     until `expires_at` if given. Each charge draws `remaining` down in the same atomic change
         *     as the debit. A payer holds at most one per provider and currency: granting again
         *     replaces it.
         */
        Authorization: {
            created_at: components["schemas"]["Timestamp"];
            currency: string;
            expires_at?: components["schemas"]["Timestamp"] | null;
            /** Format: uuid */
            id: string;
            /** Format: int64 */
            max_amount: number;
            /** Format: uuid */
            payer_id: string;
            /** Format: uuid */
            provider_id: string;
            /**
             * Format: int64
             * @description What the provider may still charge under it.
             */
            remaining: number;
        };
        AuthorizationBody: {
            authorization: components["schemas"]["Authorization"];
        };
        AuthorizationInput: {
            /** @description ISO 4217; charges in other currencies are not covered. */
            currency: string;
            expires_at?: components["schemas"]["Timestamp"] | null;
            /**
             * Format: int64
             * @description The most the provider may charge in all, minor units, 1 to 100,000,000,000.
             */
            max_amount: number;
            /**
             * Format: uuid
             * @description The provider who may charge the caller.
             */
            provider_id: string;
        };
        AuthorizationsBody: {
            /** @description The caller's authorizations that have not expired, oldest first. */
            authorizations: components["schemas"]["Authorization"][];
        };
        Balance: {
            /** Format: int64 */
            amount: number;
            currency: string;
        };
        BlocksBody: {
            /** @description The users the caller blocked, by username. */
            blocks: components["schemas"]["User"][];
        };
        Charge: {
            /** Format: int64 */
            amount: number;
            created_at: components["schemas"]["Timestamp"];
            currency: string;
            description?: string | null;
            /** Format: uuid */
            group_id?: string | null;
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            payee_id: string;
            /** Format: uuid */
            payer_id: string;
        };
        ChargeBody: {
            charge: components["schemas"]["Charge"];
        };
        ChargeInput: {
            /**
             * Format: int64
             * @description Minor units, 1 to 100,000,000,000; absent with `from_timer`.
             */
            amount?: number | null;
            /** @description ISO 4217; absent with `from_timer`. */
            currency?: string | null;
            description?: string | null;
            from_timer?: boolean | null;
            /** Format: uuid */
            group_id?: string | null;
            /** @description 1 to 128 characters; the same key with another body is 409. */
            idempotency_key: string;
            /** Format: uuid */
            payer_id: string;
        };
        ChargesBody: {
            /** @description A page of the charges where the caller is the payer or the payee, newest first. */
            charges: components["schemas"]["Charge"][];
            /** @description The `cursor` of the next page; null on the last. */
            next_cursor?: string | null;
        };
        CreateGroupInput: {
            /**
             * @description 1 to 128 characters. A retry with the same key and body answers 200 with the group the
             *     first attempt made (never a second group); the same key with another body is 409.
             */
            idempotency_key?: string | null;
            kind: components["schemas"]["GroupKind"];
            member_ids: string[];
            name?: string | null;
        };
        CreditInput: {
            /**
             * Format: int64
             * @description Minor units (cents), 1 to 100,000,000,000.
             */
            amount: number;
            /** @description ISO 4217, such as `EUR`. */
            currency: string;
            /** @description 1 to 128 characters; a retry with the same key and body answers the original. */
            idempotency_key: string;
        };
        EditInput: {
            /** @description The new text: 1 to 16,384 bytes of UTF-8. */
            text: string;
        };
        EntriesBody: {
            /** @description A page of the caller's ledger, oldest first; a balance is the sum of its entries. */
            entries: components["schemas"]["LedgerEntry"][];
            /** @description The `cursor` of the next page; null on the last. */
            next_cursor?: string | null;
        };
        EntryBody: {
            entry: components["schemas"]["LedgerEntry"];
        };
        /** @enum {string} */
        EntryKind: "credit" | "charge_debit" | "charge_credit";
        /** @description The contract's error document: `{"error": {"code", "message"}}`. */
        ErrorBody: {
            error: components["schemas"]["ErrorDetail"];
        };
        /**
         * @description Every error code of the contract.
         * @enum {string}
         */
        ErrorCode: "invalid_request" | "unauthorized" | "insufficient_funds" | "forbidden" | "payment_not_authorized" | "not_found" | "conflict" | "payload_too_large" | "request_timeout" | "rate_limited" | "unavailable" | "internal";
        ErrorDetail: {
            code: components["schemas"]["ErrorCode"];
            /** @description For people; never parse it. */
            message: string;
        };
        /**
         * @description Everything that changes a group reaches its members' inboxes as an event.
         *     Clients drop an event whose `id` they have already seen.
         */
        Event: components["schemas"]["EventKind"] & {
            at: components["schemas"]["Timestamp"];
            /**
             * Format: uuid
             * @description The group the event belongs to; null for a charge made outside any group.
             */
            group_id?: string | null;
            /** Format: uuid */
            id: string;
        };
        /** @description The event types; open for more (timer, charge) as the product grows. */
        EventKind: {
            message: components["schemas"]["Message"];
            /** @enum {string} */
            type: "message";
        } | {
            /** Format: uuid */
            by: string;
            group: components["schemas"]["Group"];
            member_ids: string[];
            /** @enum {string} */
            type: "group_created";
        } | {
            /** Format: uuid */
            by: string;
            /** @enum {string} */
            type: "member_added";
            /** Format: uuid */
            user_id: string;
        } | {
            /** Format: uuid */
            by: string;
            /** @enum {string} */
            type: "member_removed";
            /** Format: uuid */
            user_id: string;
        } | {
            group: components["schemas"]["Group"];
            /** @enum {string} */
            type: "group_updated";
        } | {
            message: components["schemas"]["Message"];
            /** @enum {string} */
            type: "message_edited";
        } | {
            /** Format: uuid */
            by: string;
            /** Format: uuid */
            message_id: string;
            /** Format: int64 */
            seq: number;
            /** @enum {string} */
            type: "message_deleted";
        } | {
            /** Format: uuid */
            message_id: string;
            reactions: components["schemas"]["Reaction"][];
            /** Format: int64 */
            seq: number;
            /** @enum {string} */
            type: "reaction_changed";
        } | {
            timer: components["schemas"]["TimerView"];
            /** @enum {string} */
            type: "timer";
        } | {
            charge: components["schemas"]["Charge"];
            /** @enum {string} */
            type: "charge";
        };
        Group: {
            created_at: components["schemas"]["Timestamp"];
            /** Format: uuid */
            created_by: string;
            /** Format: uuid */
            id: string;
            kind: components["schemas"]["GroupKind"];
            /**
             * Format: int64
             * @description The sequence number of the newest message, 0 before the first.
             */
            last_seq: number;
            name?: string | null;
        };
        GroupBody: {
            group: components["schemas"]["Group"];
        };
        GroupDetail: components["schemas"]["Group"] & {
            members: components["schemas"]["MemberPresence"][];
        };
        GroupDetailBody: {
            group: components["schemas"]["GroupDetail"];
        };
        /** @enum {string} */
        GroupKind: "direct" | "group";
        /** @enum {string} */
        GroupRole: "owner" | "member";
        GroupSummary: components["schemas"]["Group"] & {
            my_role: components["schemas"]["GroupRole"];
            /** Format: int64 */
            read_seq: number;
            /**
             * Format: int64
             * @description `last_seq - read_seq`: the messages after the caller's read mark (sending moves the
             *     sender's mark to its message).
             */
            unread: number;
        };
        GroupsBody: {
            /** @description A page of the caller's groups and direct chats, newest first. */
            groups: components["schemas"]["GroupSummary"][];
            /** @description The `cursor` of the next page; null on the last. */
            next_cursor?: string | null;
        };
        HistoryPage: {
            /** @description More messages exist beyond this page in the direction it was read. */
            has_more: boolean;
            messages: components["schemas"]["Message"][];
        };
        /** @description One movement of money in one wallet. A wallet's balance is the sum of its entries. */
        LedgerEntry: {
            /**
             * Format: int64
             * @description Signed: negative for a debit.
             */
            amount: number;
            /**
             * Format: uuid
             * @description The charge this entry belongs to; none for a credit.
             */
            charge_id?: string | null;
            created_at: components["schemas"]["Timestamp"];
            currency: string;
            /** Format: uuid */
            id: string;
            kind: components["schemas"]["EntryKind"];
            /** Format: uuid */
            user_id: string;
        };
        LoginInput: {
            device?: string | null;
            password: string;
            username: string;
        };
        LoginOutput: {
            session: components["schemas"]["Session"];
            token: string;
            user: components["schemas"]["User"];
        };
        MeBody: {
            session: components["schemas"]["Session"];
            user: components["schemas"]["User"];
        };
        Member: {
            joined_at: components["schemas"]["Timestamp"];
            role: components["schemas"]["GroupRole"];
            /** Format: uuid */
            user_id: string;
        };
        MemberBody: {
            member: components["schemas"]["Member"];
        };
        /** @description A member as a group's detail shows it: with whether it is online (has a live connection). */
        MemberPresence: components["schemas"]["Member"] & {
            online: boolean;
        };
        Message: {
            /** @description Files sent with the message, in the order the sender named them. */
            attachments?: components["schemas"]["Attachment"][];
            client_msg_id: string;
            /**
             * @description A deleted message keeps its `seq` (history has no gaps) with no text, no reactions
             *     and no attachments.
             */
            deleted?: boolean;
            edited_at?: components["schemas"]["Timestamp"] | null;
            /** Format: uuid */
            group_id: string;
            /** Format: uuid */
            id: string;
            /** @description Most-used first (then by emoji). */
            reactions?: components["schemas"]["Reaction"][];
            /**
             * Format: int64
             * @description The `seq` of the message this one answers, in the same group.
             */
            reply_to?: number | null;
            /** Format: uuid */
            sender_id: string;
            sent_at: components["schemas"]["Timestamp"];
            /** Format: int64 */
            seq: number;
            /** @description Empty once the message is deleted. */
            text: string;
        };
        MessageBody: {
            message: components["schemas"]["Message"];
        };
        PollInput: {
            /** @description The ack token of this session's previous poll. */
            ack?: string | null;
            /**
             * Format: double
             * @description Seconds to wait for events, 0 to 20; 20 when absent.
             */
            wait?: number | null;
        };
        PollOutput: {
            /** @description Hands back with the next poll to delete these events; null when there are none. */
            ack?: string | null;
            /** @description Events as stored in the inbox, passed through without re-parsing. */
            events: components["schemas"]["Event"][];
        };
        Rate: {
            /**
             * Format: int64
             * @description Minor units per started minute, 1 to 100,000,000,000.
             */
            amount_per_minute: number;
            currency: string;
        };
        /**
         * @description One emoji's reactions to a message: how many, and who (at most [`MAX_REACTION_USERS`]
         *     of them, the count exact).
         */
        Reaction: {
            /** Format: int32 */
            count: number;
            emoji: string;
            user_ids: string[];
        };
        ReadBody: {
            /**
             * Format: int64
             * @description The caller's read mark now: it never moves back, nor past the group's `last_seq`.
             */
            read_seq: number;
        };
        ReadInput: {
            /**
             * Format: int64
             * @description The highest `seq` the caller has read.
             */
            seq: number;
        };
        RenameInput: {
            /** @description 1 to 100 characters. */
            name: string;
        };
        /**
         * @description A platform role. What each may do sits in [`super::policy`].
         * @enum {string}
         */
        Role: "admin" | "provider" | "member";
        SendMessageInput: {
            /**
             * @description Up to 10 attachments, each announced by the sender for this group, uploaded in full
             *     and in no other message (else 400). With attachments, `text` may be empty.
             */
            attachments?: string[];
            /**
             * @description Chosen by the sender's device, 1 to 64 characters: a retry with the same id returns
             *     the original message and stores nothing new.
             */
            client_msg_id: string;
            /**
             * Format: int64
             * @description The `seq` of the message this one answers, in the same group (else 400).
             */
            reply_to?: number | null;
            /** @description Up to 16,384 bytes of UTF-8: at least 1 unless the message has attachments. */
            text: string;
        };
        /** @description One logged-in device. */
        Session: {
            created_at: components["schemas"]["Timestamp"];
            device: string;
            expires_at: components["schemas"]["Timestamp"];
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            user_id: string;
        };
        SignUpInput: {
            display_name?: string | null;
            /** @description 8 to 128 characters. */
            password: string;
            role?: components["schemas"]["Role"] | null;
            /** @description 3 to 32 of `[A-Za-z0-9_.-]`, unique ignoring case. */
            username: string;
        };
        StartTimerInput: {
            rate?: components["schemas"]["Rate"] | null;
        };
        /** @description `POST /live/tickets`: where and with what to connect. */
        TicketGrant: {
            expires_at: components["schemas"]["Timestamp"];
            /** @description Single use, for the caller's session, until `expires_at`. */
            ticket: string;
            /** @description The WebSocket URL to open with `?ticket=<ticket>`. */
            url: string;
        };
        TimerBody: {
            timer: components["schemas"]["TimerView"];
        };
        /** @enum {string} */
        TimerState: "idle" | "running" | "paused" | "stopped";
        /** @description The timer as the API shows it, with the elapsed time at the moment of reading. */
        TimerView: {
            /** Format: int64 */
            elapsed_ms: number;
            /** Format: uuid */
            group_id: string;
            rate?: components["schemas"]["Rate"] | null;
            started_at?: components["schemas"]["Timestamp"] | null;
            state: components["schemas"]["TimerState"];
            updated_at: components["schemas"]["Timestamp"];
            /** Format: int64 */
            version: number;
        };
        /**
         * Format: date-time
         * @example 2026-11-30T09:15:00.250Z
         */
        Timestamp: string;
        /**
         * @description How a client uploads a file: a PUT of exactly the announced bytes to `url` with `headers`,
         *     no bearer token needed, before `expires_at`.
         */
        UploadGrant: {
            expires_at: components["schemas"]["Timestamp"];
            headers: {
                [key: string]: string;
            };
            /** @description Always `PUT`. */
            method: string;
            url: string;
        };
        User: {
            created_at: components["schemas"]["Timestamp"];
            display_name: string;
            /** Format: uuid */
            id: string;
            role: components["schemas"]["Role"];
            username: string;
        };
        UserBody: {
            user: components["schemas"]["User"];
        };
        UsersBody: {
            /** @description Zero or one user: the match is exact (ignoring case). */
            users: components["schemas"]["User"][];
        };
        WalletBody: {
            /** @description One balance per currency the caller has held. */
            balances: components["schemas"]["Balance"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    list_blocks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The blocked users */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BlocksBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    block_user: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Whom to block */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Blocked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The caller has blocked as many users as allowed (1,000) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    unblock_user: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Whom to unblock */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Not blocked (any more) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_charges: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 200 (default 50). */
                limit?: number;
                /** @description The `next_cursor` of the previous page; absent for the first. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the charges */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChargesBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_charge: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChargeInput"];
            };
        };
        responses: {
            /** @description A retry: the original charge */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChargeBody"];
                };
            };
            /** @description The charge */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChargeBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The payer's balance is too low; nothing changed */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not a provider or an admin, no group shared with the payer, or (`payment_not_authorized`) no authorization of the payer covers the charge; nothing changed */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The payer or the group does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key was used with another body, or the timer cannot be charged */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_groups: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 200 (default 50). */
                limit?: number;
                /** @description The `next_cursor` of the previous page; absent for the first. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the caller's groups */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupsBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_group: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGroupInput"];
            };
        };
        responses: {
            /** @description The direct chat that already exists */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetailBody"];
                };
            };
            /** @description The new group and its members */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetailBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A member id is no user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_group: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The group and its members */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupDetailBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    rename_group: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RenameInput"];
            };
        };
        responses: {
            /** @description The renamed group */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Neither the group's owner nor an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A direct chat has no name */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_attachment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AttachmentInput"];
            };
        };
        responses: {
            /** @description The attachment and how to upload it */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AttachmentGrant"];
                };
            };
            /** @description A bad file name, a type not allowed, or a size of 0 or over the limit */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such group, or not a member */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    hide_group: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Hidden */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    unhide_group: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Shown */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    add_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMemberInput"];
            };
        };
        responses: {
            /** @description The new member */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Neither the group's owner nor an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Already a member, a direct chat, or the group is full */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    remove_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
                /** @description The member */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not allowed to remove that member */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Members cannot leave a direct chat */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_history: {
        parameters: {
            query?: {
                /** @description The oldest messages with a `seq` above this one. */
                after?: number;
                /** @description The newest messages with a `seq` below this one. */
                before?: number;
                /** @description Page size, 1 to 100 (default 50). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of messages */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryPage"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    send_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendMessageInput"];
            };
        };
        responses: {
            /** @description A retry: the original message */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageBody"];
                };
            };
            /** @description Stored and on its way */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageBody"];
                };
            };
            /** @description A bad text or client_msg_id, or reply_to names no message of the group */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
                /** @description The message's seq */
                seq: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (or deleted already) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Neither its sender, the group's owner nor an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such group (or not a member), or no such message */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    edit_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
                /** @description The message's seq */
                seq: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EditInput"];
            };
        };
        responses: {
            /** @description The message as it is now, with `edited_at` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not the message's sender */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such group (or not a member), or no such message */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The message is deleted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    add_reaction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
                /** @description The message's seq */
                seq: number;
                /** @description One emoji (percent-encoded), at most 16 bytes */
                emoji: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message with its reactions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageBody"];
                };
            };
            /** @description Not one emoji */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such group (or not a member), or no such message */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The message is deleted, or has 20 different reactions already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    remove_reaction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
                /** @description The message's seq */
                seq: number;
                /** @description One emoji (percent-encoded), at most 16 bytes */
                emoji: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Taken back (or never there) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not one emoji */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such group (or not a member), or no such message */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The message is deleted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    mark_read: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReadInput"];
            };
        };
        responses: {
            /** @description The read mark */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_timer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The timer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TimerBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    pause_timer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The paused timer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TimerBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not the group's owner, a provider member or an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not running, or another transition won */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    resume_timer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The running timer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TimerBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not the group's owner, a provider member or an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not paused, or another transition won */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    start_timer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        /** @description May be empty: no rate */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["StartTimerInput"] | null;
            };
        };
        responses: {
            /** @description The running timer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TimerBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not the group's owner, a provider member or an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Already running or paused, or another transition won */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    stop_timer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group */
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stopped timer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TimerBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not the group's owner, a provider member or an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Neither running nor paused, or another transition won */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_live_ticket: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ticket and where to use it */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TicketGrant"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who is asking */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    poll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description May be empty: wait 20 s, ack nothing */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PollInput"] | null;
            };
        };
        responses: {
            /** @description The events, and the token that acknowledges them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PollOutput"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    log_in: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginInput"];
            };
        };
        responses: {
            /** @description The session and its token */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginOutput"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many log-ins at once (password hashing is bounded), or too many failed log-ins of this username or from this address in the current window; retry after `Retry-After` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    log_out_everywhere: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every session of the caller is ended */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    log_out: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session is ended */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    find_users: {
        parameters: {
            query: {
                /** @description The exact username, matched ignoring case. */
                username: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user with that name, if any */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsersBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    sign_up: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignUpInput"];
            };
        };
        responses: {
            /** @description The new account */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A privileged role without an admin's token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The username is taken, ignoring case */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many sign-ups and log-ins at once (password hashing is bounded); retry after `Retry-After` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_user: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The user's id */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_wallet: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The balances */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WalletBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_authorizations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The authorizations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthorizationsBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    grant_authorization: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AuthorizationInput"];
            };
        };
        responses: {
            /** @description The authorization */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthorizationBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The provider does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    revoke_authorization: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The authorization */
                authorization_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_wallet_entries: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 200 (default 50). */
                limit?: number;
                /** @description The `next_cursor` of the previous page; absent for the first. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the ledger */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntriesBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    credit_wallet: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Whose wallet */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreditInput"];
            };
        };
        responses: {
            /** @description A retry: the original entry */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntryBody"];
                };
            };
            /** @description The credit's ledger entry */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntryBody"];
                };
            };
            /** @description A parameter or the body is malformed or out of range. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The bearer token is missing, unknown, expired or logged out. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found, or not visible to the caller (a group they are not in). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key was used with another body */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The body is larger than 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
