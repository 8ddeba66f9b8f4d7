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
            types: media_sync.v1.OperationType[];
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
            states: media_sync.v1.PlaybackState[];
            commandIdRefs: number[];
            sourceDeviceRefs: number[];
            targetDeviceRefs: number[];
            commandTypeRefs: number[];
            payloads: Uint8Array[];
            expiryOffsets: number[];
            timestampDeltaBias: number;
            positionResidualBias: number;
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
                types?: (media_sync.v1.OperationType[]|null);
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
                states?: (media_sync.v1.PlaybackState[]|null);
                commandIdRefs?: (number[]|null);
                sourceDeviceRefs?: (number[]|null);
                targetDeviceRefs?: (number[]|null);
                commandTypeRefs?: (number[]|null);
                payloads?: (Uint8Array[]|null);
                expiryOffsets?: (number[]|null);
                timestampDeltaBias?: (number|null);
                positionResidualBias?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Batch.$Properties;
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

        interface IFrame extends media_sync.v1.Frame.$Properties {
        }

        class Frame {
            constructor(properties?: media_sync.v1.Frame.$Properties);
            $unknowns?: Uint8Array[];
            formatVersion: number;
            flags: number;
            dictionaryId: number;
            contextVersion: number;
            deviceId: string;
            opCount: number;
            firstSeq: number;
            lastSeq: number;
            bodyLength: number;
            bodyCrc32c: number;
            body: Uint8Array;
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
                contextVersion?: (number|null);
                deviceId?: (string|null);
                opCount?: (number|null);
                firstSeq?: (number|null);
                lastSeq?: (number|null);
                bodyLength?: (number|null);
                bodyCrc32c?: (number|null);
                body?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = media_sync.v1.Frame.$Properties;
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
