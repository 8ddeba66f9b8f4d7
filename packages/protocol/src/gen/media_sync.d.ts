import * as $protobuf from "protobufjs";
import Long = require("long");

export namespace media_sync {

    namespace v1 {

        interface IBatch extends media_sync.v1.Batch.$Properties {
        }

        class Batch {
            constructor(properties?: media_sync.v1.Batch.$Properties);
            $unknowns?: Uint8Array[];
            strings: string[];
            uuids: Uint8Array;
            types: number[];
            seqGaps: number[];
            baseTimestamp: number;
            timestampDeltas: number[];
            hlcPhysicalOffsets: number[];
            hlcLogicals: number[];
            hlcNodeRefs: number[];
            userRefs: number[];
            contentRefs: number[];
            positionResiduals: number[];
            durations: number[];
            states: number[];
            commandIdRefs: number[];
            sourceDeviceRefs: number[];
            targetDeviceRefs: number[];
            commandTypeRefs: number[];
            payloads: Uint8Array[];
            expiryOffsets: number[];
            timestampDeltaBias: number;
            positionResidualBias: number;
            positionPrediction: number;
            timestampDeltaBits: Uint8Array;
            positionResidualBits: Uint8Array;
            static create(properties: media_sync.v1.Batch.$Shape): media_sync.v1.Batch & media_sync.v1.Batch.$Shape;
            static create(properties?: media_sync.v1.Batch.$Properties): media_sync.v1.Batch;
            static encode(message: media_sync.v1.Batch.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Batch & media_sync.v1.Batch.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Batch {
            interface $Properties {
                strings?: (string[]|null);
                uuids?: (Uint8Array|null);
                types?: (number[]|null);
                seqGaps?: (number[]|null);
                baseTimestamp?: (number|null);
                timestampDeltas?: (number[]|null);
                hlcPhysicalOffsets?: (number[]|null);
                hlcLogicals?: (number[]|null);
                hlcNodeRefs?: (number[]|null);
                userRefs?: (number[]|null);
                contentRefs?: (number[]|null);
                positionResiduals?: (number[]|null);
                durations?: (number[]|null);
                states?: (number[]|null);
                commandIdRefs?: (number[]|null);
                sourceDeviceRefs?: (number[]|null);
                targetDeviceRefs?: (number[]|null);
                commandTypeRefs?: (number[]|null);
                payloads?: (Uint8Array[]|null);
                expiryOffsets?: (number[]|null);
                timestampDeltaBias?: (number|null);
                positionResidualBias?: (number|null);
                positionPrediction?: (number|null);
                timestampDeltaBits?: (Uint8Array|null);
                positionResidualBits?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Batch.$Properties;
        }

        interface IFrame extends media_sync.v1.Frame.$Properties {
        }

        class Frame {
            constructor(properties?: media_sync.v1.Frame.$Properties);
            $unknowns?: Uint8Array[];
            formatVersion: number;
            flags: number;
            dictionaryId: number;
            deviceId: string;
            opCount: number;
            firstSeq: number;
            lastSeq: number;
            bodyLength: number;
            checksum?: (number|null);
            userBoundChecksum?: (number|null);
            skipped: number[];
            body: Uint8Array;
            integrity?: ("checksum"|"userBoundChecksum");
            static create(properties: media_sync.v1.Frame.$Shape): media_sync.v1.Frame & media_sync.v1.Frame.$Shape;
            static create(properties?: media_sync.v1.Frame.$Properties): media_sync.v1.Frame;
            static encode(message: media_sync.v1.Frame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Frame & media_sync.v1.Frame.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Frame {
            interface $Properties {
                formatVersion?: (number|null);
                flags?: (number|null);
                dictionaryId?: (number|null);
                deviceId?: (string|null);
                opCount?: (number|null);
                firstSeq?: (number|null);
                lastSeq?: (number|null);
                bodyLength?: (number|null);
                checksum?: (number|null);
                userBoundChecksum?: (number|null);
                skipped?: (number[]|null);
                body?: (Uint8Array|null);
                integrity?: ("checksum"|"userBoundChecksum");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              formatVersion?: number|null;
              flags?: number|null;
              dictionaryId?: number|null;
              deviceId?: string|null;
              opCount?: number|null;
              firstSeq?: number|null;
              lastSeq?: number|null;
              bodyLength?: number|null;
              checksum?: number|null;
              userBoundChecksum?: number|null;
              skipped?: number[]|null;
              body?: Uint8Array|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ integrity?: undefined; checksum?: null; userBoundChecksum?: null }|{ integrity?: "checksum"; checksum: number; userBoundChecksum?: null }|{ integrity?: "userBoundChecksum"; checksum?: null; userBoundChecksum: number })
            );
        }

        interface IGatewayMessage extends media_sync.v1.GatewayMessage.$Properties {
        }

        class GatewayMessage {
            constructor(properties?: media_sync.v1.GatewayMessage.$Properties);
            $unknowns?: Uint8Array[];
            hello?: (media_sync.v1.Hello.$Properties|null);
            frame?: (media_sync.v1.FrameUpload.$Properties|null);
            ack?: (media_sync.v1.Ack.$Properties|null);
            error?: (media_sync.v1.Error.$Properties|null);
            subscribe?: (media_sync.v1.Subscribe.$Properties|null);
            fanout?: (media_sync.v1.Fanout.$Properties|null);
            command?: (media_sync.v1.CommandDelivery.$Properties|null);
            commandAck?: (media_sync.v1.CommandAck.$Properties|null);
            synced?: (media_sync.v1.Synced.$Properties|null);
            kind?: ("hello"|"frame"|"ack"|"error"|"subscribe"|"fanout"|"command"|"commandAck"|"synced");
            static create(properties: media_sync.v1.GatewayMessage.$Shape): media_sync.v1.GatewayMessage & media_sync.v1.GatewayMessage.$Shape;
            static create(properties?: media_sync.v1.GatewayMessage.$Properties): media_sync.v1.GatewayMessage;
            static encode(message: media_sync.v1.GatewayMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.GatewayMessage & media_sync.v1.GatewayMessage.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace GatewayMessage {
            interface $Properties {
                hello?: (media_sync.v1.Hello.$Properties|null);
                frame?: (media_sync.v1.FrameUpload.$Properties|null);
                ack?: (media_sync.v1.Ack.$Properties|null);
                error?: (media_sync.v1.Error.$Properties|null);
                subscribe?: (media_sync.v1.Subscribe.$Properties|null);
                fanout?: (media_sync.v1.Fanout.$Properties|null);
                command?: (media_sync.v1.CommandDelivery.$Properties|null);
                commandAck?: (media_sync.v1.CommandAck.$Properties|null);
                synced?: (media_sync.v1.Synced.$Properties|null);
                kind?: ("hello"|"frame"|"ack"|"error"|"subscribe"|"fanout"|"command"|"commandAck"|"synced");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              hello?: media_sync.v1.Hello.$Shape|null;
              frame?: media_sync.v1.FrameUpload.$Shape|null;
              ack?: media_sync.v1.Ack.$Shape|null;
              error?: media_sync.v1.Error.$Shape|null;
              subscribe?: media_sync.v1.Subscribe.$Shape|null;
              fanout?: media_sync.v1.Fanout.$Shape|null;
              command?: media_sync.v1.CommandDelivery.$Shape|null;
              commandAck?: media_sync.v1.CommandAck.$Shape|null;
              synced?: media_sync.v1.Synced.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ kind?: undefined; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "hello"; hello: media_sync.v1.Hello.$Shape; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "frame"; hello?: null; frame: media_sync.v1.FrameUpload.$Shape; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "ack"; hello?: null; frame?: null; ack: media_sync.v1.Ack.$Shape; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "error"; hello?: null; frame?: null; ack?: null; error: media_sync.v1.Error.$Shape; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "subscribe"; hello?: null; frame?: null; ack?: null; error?: null; subscribe: media_sync.v1.Subscribe.$Shape; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "fanout"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout: media_sync.v1.Fanout.$Shape; command?: null; commandAck?: null; synced?: null }|{ kind?: "command"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command: media_sync.v1.CommandDelivery.$Shape; commandAck?: null; synced?: null }|{ kind?: "commandAck"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck: media_sync.v1.CommandAck.$Shape; synced?: null }|{ kind?: "synced"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced: media_sync.v1.Synced.$Shape })
            );
        }

        interface IHello extends media_sync.v1.Hello.$Properties {
        }

        class Hello {
            constructor(properties?: media_sync.v1.Hello.$Properties);
            $unknowns?: Uint8Array[];
            protocol: number;
            userId: string;
            deviceId: string;
            maxFrameBytes: number;
            tokenExpiresAtMs: number;
            static create(properties: media_sync.v1.Hello.$Shape): media_sync.v1.Hello & media_sync.v1.Hello.$Shape;
            static create(properties?: media_sync.v1.Hello.$Properties): media_sync.v1.Hello;
            static encode(message: media_sync.v1.Hello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Hello & media_sync.v1.Hello.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Hello {
            interface $Properties {
                protocol?: (number|null);
                userId?: (string|null);
                deviceId?: (string|null);
                maxFrameBytes?: (number|null);
                tokenExpiresAtMs?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Hello.$Properties;
        }

        interface IFrameUpload extends media_sync.v1.FrameUpload.$Properties {
        }

        class FrameUpload {
            constructor(properties?: media_sync.v1.FrameUpload.$Properties);
            $unknowns?: Uint8Array[];
            frameId: number;
            frame: Uint8Array;
            static create(properties: media_sync.v1.FrameUpload.$Shape): media_sync.v1.FrameUpload & media_sync.v1.FrameUpload.$Shape;
            static create(properties?: media_sync.v1.FrameUpload.$Properties): media_sync.v1.FrameUpload;
            static encode(message: media_sync.v1.FrameUpload.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.FrameUpload & media_sync.v1.FrameUpload.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace FrameUpload {
            interface $Properties {
                frameId?: (number|null);
                frame?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.FrameUpload.$Properties;
        }

        interface IRejectedRange extends media_sync.v1.RejectedRange.$Properties {
        }

        class RejectedRange {
            constructor(properties?: media_sync.v1.RejectedRange.$Properties);
            $unknowns?: Uint8Array[];
            firstSeq: number;
            lastSeq: number;
            code: string;
            static create(properties: media_sync.v1.RejectedRange.$Shape): media_sync.v1.RejectedRange & media_sync.v1.RejectedRange.$Shape;
            static create(properties?: media_sync.v1.RejectedRange.$Properties): media_sync.v1.RejectedRange;
            static encode(message: media_sync.v1.RejectedRange.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.RejectedRange & media_sync.v1.RejectedRange.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace RejectedRange {
            interface $Properties {
                firstSeq?: (number|null);
                lastSeq?: (number|null);
                code?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.RejectedRange.$Properties;
        }

        interface IAck extends media_sync.v1.Ack.$Properties {
        }

        class Ack {
            constructor(properties?: media_sync.v1.Ack.$Properties);
            $unknowns?: Uint8Array[];
            frameId: number;
            firstSeq: number;
            lastSeq: number;
            duplicate: boolean;
            rejected: media_sync.v1.RejectedRange.$Properties[];
            rejectedCount: number;
            rejectedTruncated: boolean;
            static create(properties: media_sync.v1.Ack.$Shape): media_sync.v1.Ack & media_sync.v1.Ack.$Shape;
            static create(properties?: media_sync.v1.Ack.$Properties): media_sync.v1.Ack;
            static encode(message: media_sync.v1.Ack.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Ack & media_sync.v1.Ack.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Ack {
            interface $Properties {
                frameId?: (number|null);
                firstSeq?: (number|null);
                lastSeq?: (number|null);
                duplicate?: (boolean|null);
                rejected?: (media_sync.v1.RejectedRange.$Properties[]|null);
                rejectedCount?: (number|null);
                rejectedTruncated?: (boolean|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Ack.$Properties;
        }

        interface IError extends media_sync.v1.Error.$Properties {
        }

        class Error {
            constructor(properties?: media_sync.v1.Error.$Properties);
            $unknowns?: Uint8Array[];
            frameId: number;
            code: string;
            message: string;
            offset?: (number|null);
            static create(properties: media_sync.v1.Error.$Shape): media_sync.v1.Error & media_sync.v1.Error.$Shape;
            static create(properties?: media_sync.v1.Error.$Properties): media_sync.v1.Error;
            static encode(message: media_sync.v1.Error.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Error & media_sync.v1.Error.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Error {
            interface $Properties {
                frameId?: (number|null);
                code?: (string|null);
                message?: (string|null);
                offset?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Error.$Properties;
        }

        interface ISubscribe extends media_sync.v1.Subscribe.$Properties {
        }

        class Subscribe {
            constructor(properties?: media_sync.v1.Subscribe.$Properties);
            $unknowns?: Uint8Array[];
            since: number;
            static create(properties: media_sync.v1.Subscribe.$Shape): media_sync.v1.Subscribe & media_sync.v1.Subscribe.$Shape;
            static create(properties?: media_sync.v1.Subscribe.$Properties): media_sync.v1.Subscribe;
            static encode(message: media_sync.v1.Subscribe.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Subscribe & media_sync.v1.Subscribe.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Subscribe {
            interface $Properties {
                since?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Subscribe.$Properties;
        }

        interface IFanout extends media_sync.v1.Fanout.$Properties {
        }

        class Fanout {
            constructor(properties?: media_sync.v1.Fanout.$Properties);
            $unknowns?: Uint8Array[];
            cursor: number;
            frame: Uint8Array;
            static create(properties: media_sync.v1.Fanout.$Shape): media_sync.v1.Fanout & media_sync.v1.Fanout.$Shape;
            static create(properties?: media_sync.v1.Fanout.$Properties): media_sync.v1.Fanout;
            static encode(message: media_sync.v1.Fanout.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Fanout & media_sync.v1.Fanout.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Fanout {
            interface $Properties {
                cursor?: (number|null);
                frame?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Fanout.$Properties;
        }

        interface ICommandDelivery extends media_sync.v1.CommandDelivery.$Properties {
        }

        class CommandDelivery {
            constructor(properties?: media_sync.v1.CommandDelivery.$Properties);
            $unknowns?: Uint8Array[];
            deliveryId: number;
            frame: Uint8Array;
            static create(properties: media_sync.v1.CommandDelivery.$Shape): media_sync.v1.CommandDelivery & media_sync.v1.CommandDelivery.$Shape;
            static create(properties?: media_sync.v1.CommandDelivery.$Properties): media_sync.v1.CommandDelivery;
            static encode(message: media_sync.v1.CommandDelivery.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.CommandDelivery & media_sync.v1.CommandDelivery.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace CommandDelivery {
            interface $Properties {
                deliveryId?: (number|null);
                frame?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.CommandDelivery.$Properties;
        }

        interface ICommandAck extends media_sync.v1.CommandAck.$Properties {
        }

        class CommandAck {
            constructor(properties?: media_sync.v1.CommandAck.$Properties);
            $unknowns?: Uint8Array[];
            deliveryId: number;
            static create(properties: media_sync.v1.CommandAck.$Shape): media_sync.v1.CommandAck & media_sync.v1.CommandAck.$Shape;
            static create(properties?: media_sync.v1.CommandAck.$Properties): media_sync.v1.CommandAck;
            static encode(message: media_sync.v1.CommandAck.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.CommandAck & media_sync.v1.CommandAck.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace CommandAck {
            interface $Properties {
                deliveryId?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.CommandAck.$Properties;
        }

        interface ISynced extends media_sync.v1.Synced.$Properties {
        }

        class Synced {
            constructor(properties?: media_sync.v1.Synced.$Properties);
            $unknowns?: Uint8Array[];
            cursor: number;
            static create(properties: media_sync.v1.Synced.$Shape): media_sync.v1.Synced & media_sync.v1.Synced.$Shape;
            static create(properties?: media_sync.v1.Synced.$Properties): media_sync.v1.Synced;
            static encode(message: media_sync.v1.Synced.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Synced & media_sync.v1.Synced.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Synced {
            interface $Properties {
                cursor?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Synced.$Properties;
        }

        interface IHlc extends media_sync.v1.Hlc.$Properties {
        }

        class Hlc {
            constructor(properties?: media_sync.v1.Hlc.$Properties);
            $unknowns?: Uint8Array[];
            physicalMs: number;
            logical: number;
            nodeId: string;
            static create(properties: media_sync.v1.Hlc.$Shape): media_sync.v1.Hlc & media_sync.v1.Hlc.$Shape;
            static create(properties?: media_sync.v1.Hlc.$Properties): media_sync.v1.Hlc;
            static encode(message: media_sync.v1.Hlc.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.Hlc & media_sync.v1.Hlc.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Hlc {
            interface $Properties {
                physicalMs?: (number|null);
                logical?: (number|null);
                nodeId?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Hlc.$Properties;
        }

        enum OperationType {
            OPERATION_TYPE_UNSPECIFIED = 0,
            OPERATION_TYPE_WATCHLIST_ADD = 1,
            OPERATION_TYPE_WATCHLIST_REMOVE = 2,
            OPERATION_TYPE_PROGRESS_UPDATE = 3,
            OPERATION_TYPE_DEVICE_COMMAND = 4
        }

        enum PlaybackState {
            PLAYBACK_STATE_UNSPECIFIED = 0,
            PLAYBACK_STATE_PLAYING = 1,
            PLAYBACK_STATE_PAUSED = 2,
            PLAYBACK_STATE_STOPPED = 3,
            PLAYBACK_STATE_COMPLETED = 4
        }

        interface IWatchlistAdd extends media_sync.v1.WatchlistAdd.$Properties {
        }

        class WatchlistAdd {
            constructor(properties?: media_sync.v1.WatchlistAdd.$Properties);
            $unknowns?: Uint8Array[];
            userId: string;
            contentId: string;
            timestamp: number;
            static create(properties: media_sync.v1.WatchlistAdd.$Shape): media_sync.v1.WatchlistAdd & media_sync.v1.WatchlistAdd.$Shape;
            static create(properties?: media_sync.v1.WatchlistAdd.$Properties): media_sync.v1.WatchlistAdd;
            static encode(message: media_sync.v1.WatchlistAdd.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.WatchlistAdd & media_sync.v1.WatchlistAdd.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace WatchlistAdd {
            interface $Properties {
                userId?: (string|null);
                contentId?: (string|null);
                timestamp?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.WatchlistAdd.$Properties;
        }

        interface IWatchlistRemove extends media_sync.v1.WatchlistRemove.$Properties {
        }

        class WatchlistRemove {
            constructor(properties?: media_sync.v1.WatchlistRemove.$Properties);
            $unknowns?: Uint8Array[];
            userId: string;
            contentId: string;
            timestamp: number;
            static create(properties: media_sync.v1.WatchlistRemove.$Shape): media_sync.v1.WatchlistRemove & media_sync.v1.WatchlistRemove.$Shape;
            static create(properties?: media_sync.v1.WatchlistRemove.$Properties): media_sync.v1.WatchlistRemove;
            static encode(message: media_sync.v1.WatchlistRemove.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.WatchlistRemove & media_sync.v1.WatchlistRemove.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace WatchlistRemove {
            interface $Properties {
                userId?: (string|null);
                contentId?: (string|null);
                timestamp?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.WatchlistRemove.$Properties;
        }

        interface IProgressUpdate extends media_sync.v1.ProgressUpdate.$Properties {
        }

        class ProgressUpdate {
            constructor(properties?: media_sync.v1.ProgressUpdate.$Properties);
            $unknowns?: Uint8Array[];
            userId: string;
            contentId: string;
            positionMs: number;
            durationMs?: (number|null);
            state: media_sync.v1.PlaybackState;
            timestamp: number;
            static create(properties: media_sync.v1.ProgressUpdate.$Shape): media_sync.v1.ProgressUpdate & media_sync.v1.ProgressUpdate.$Shape;
            static create(properties?: media_sync.v1.ProgressUpdate.$Properties): media_sync.v1.ProgressUpdate;
            static encode(message: media_sync.v1.ProgressUpdate.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.ProgressUpdate & media_sync.v1.ProgressUpdate.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace ProgressUpdate {
            interface $Properties {
                userId?: (string|null);
                contentId?: (string|null);
                positionMs?: (number|null);
                durationMs?: (number|null);
                state?: (media_sync.v1.PlaybackState|null);
                timestamp?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.ProgressUpdate.$Properties;
        }

        interface IDeviceCommand extends media_sync.v1.DeviceCommand.$Properties {
        }

        class DeviceCommand {
            constructor(properties?: media_sync.v1.DeviceCommand.$Properties);
            $unknowns?: Uint8Array[];
            commandId: string;
            sourceDeviceId: string;
            targetDeviceId: string;
            commandType: string;
            payloadJson: string;
            timestamp: number;
            expiresAt?: (number|null);
            static create(properties: media_sync.v1.DeviceCommand.$Shape): media_sync.v1.DeviceCommand & media_sync.v1.DeviceCommand.$Shape;
            static create(properties?: media_sync.v1.DeviceCommand.$Properties): media_sync.v1.DeviceCommand;
            static encode(message: media_sync.v1.DeviceCommand.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.DeviceCommand & media_sync.v1.DeviceCommand.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace DeviceCommand {
            interface $Properties {
                commandId?: (string|null);
                sourceDeviceId?: (string|null);
                targetDeviceId?: (string|null);
                commandType?: (string|null);
                payloadJson?: (string|null);
                timestamp?: (number|null);
                expiresAt?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.DeviceCommand.$Properties;
        }

        interface ISyncMessage extends media_sync.v1.SyncMessage.$Properties {
        }

        class SyncMessage {
            constructor(properties?: media_sync.v1.SyncMessage.$Properties);
            $unknowns?: Uint8Array[];
            messageId: string;
            deviceId: string;
            userId: string;
            hlc?: (media_sync.v1.Hlc.$Properties|null);
            operationType: media_sync.v1.OperationType;
            seq: number;
            watchlistAdd?: (media_sync.v1.WatchlistAdd.$Properties|null);
            watchlistRemove?: (media_sync.v1.WatchlistRemove.$Properties|null);
            progressUpdate?: (media_sync.v1.ProgressUpdate.$Properties|null);
            deviceCommand?: (media_sync.v1.DeviceCommand.$Properties|null);
            payload?: ("watchlistAdd"|"watchlistRemove"|"progressUpdate"|"deviceCommand");
            static create(properties: media_sync.v1.SyncMessage.$Shape): media_sync.v1.SyncMessage & media_sync.v1.SyncMessage.$Shape;
            static create(properties?: media_sync.v1.SyncMessage.$Properties): media_sync.v1.SyncMessage;
            static encode(message: media_sync.v1.SyncMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): media_sync.v1.SyncMessage & media_sync.v1.SyncMessage.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SyncMessage {
            interface $Properties {
                messageId?: (string|null);
                deviceId?: (string|null);
                userId?: (string|null);
                hlc?: (media_sync.v1.Hlc.$Properties|null);
                operationType?: (media_sync.v1.OperationType|null);
                seq?: (number|null);
                watchlistAdd?: (media_sync.v1.WatchlistAdd.$Properties|null);
                watchlistRemove?: (media_sync.v1.WatchlistRemove.$Properties|null);
                progressUpdate?: (media_sync.v1.ProgressUpdate.$Properties|null);
                deviceCommand?: (media_sync.v1.DeviceCommand.$Properties|null);
                payload?: ("watchlistAdd"|"watchlistRemove"|"progressUpdate"|"deviceCommand");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              messageId?: string|null;
              deviceId?: string|null;
              userId?: string|null;
              hlc?: media_sync.v1.Hlc.$Shape|null;
              operationType?: media_sync.v1.OperationType|null;
              seq?: number|null;
              watchlistAdd?: media_sync.v1.WatchlistAdd.$Shape|null;
              watchlistRemove?: media_sync.v1.WatchlistRemove.$Shape|null;
              progressUpdate?: media_sync.v1.ProgressUpdate.$Shape|null;
              deviceCommand?: media_sync.v1.DeviceCommand.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ payload?: undefined; watchlistAdd?: null; watchlistRemove?: null; progressUpdate?: null; deviceCommand?: null }|{ payload?: "watchlistAdd"; watchlistAdd: media_sync.v1.WatchlistAdd.$Shape; watchlistRemove?: null; progressUpdate?: null; deviceCommand?: null }|{ payload?: "watchlistRemove"; watchlistAdd?: null; watchlistRemove: media_sync.v1.WatchlistRemove.$Shape; progressUpdate?: null; deviceCommand?: null }|{ payload?: "progressUpdate"; watchlistAdd?: null; watchlistRemove?: null; progressUpdate: media_sync.v1.ProgressUpdate.$Shape; deviceCommand?: null }|{ payload?: "deviceCommand"; watchlistAdd?: null; watchlistRemove?: null; progressUpdate?: null; deviceCommand: media_sync.v1.DeviceCommand.$Shape })
            );
        }
    }
}
