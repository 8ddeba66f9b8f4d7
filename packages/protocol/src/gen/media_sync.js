/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const media_sync = $root.media_sync = (() => {

    /**
     * Namespace media_sync.
     * @exports media_sync
     * @namespace
     */
    const media_sync = {};

    media_sync.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof media_sync
         * @namespace
         */
        const v1 = {};

        v1.Batch = (function() {

            /**
             * Properties of a Batch.
             * @typedef {Object} media_sync.v1.Batch.$Properties
             * @property {Array.<string>|null} [strings] Batch strings
             * @property {Uint8Array|null} [uuids] Batch uuids
             * @property {Array.<number>|null} [types] Batch types
             * @property {Array.<number>|null} [seqGaps] Batch seqGaps
             * @property {number|null} [baseTimestamp] Batch baseTimestamp
             * @property {Array.<number>|null} [timestampDeltas] Batch timestampDeltas
             * @property {Array.<number>|null} [hlcPhysicalOffsets] Batch hlcPhysicalOffsets
             * @property {Array.<number>|null} [hlcLogicals] Batch hlcLogicals
             * @property {Array.<number>|null} [hlcNodeRefs] Batch hlcNodeRefs
             * @property {Array.<number>|null} [userRefs] Batch userRefs
             * @property {Array.<number>|null} [contentRefs] Batch contentRefs
             * @property {Array.<number>|null} [positionResiduals] Batch positionResiduals
             * @property {Array.<number>|null} [durations] Batch durations
             * @property {Array.<number>|null} [states] Batch states
             * @property {Array.<number>|null} [commandIdRefs] Batch commandIdRefs
             * @property {Array.<number>|null} [sourceDeviceRefs] Batch sourceDeviceRefs
             * @property {Array.<number>|null} [targetDeviceRefs] Batch targetDeviceRefs
             * @property {Array.<number>|null} [commandTypeRefs] Batch commandTypeRefs
             * @property {Array.<Uint8Array>|null} [payloads] Batch payloads
             * @property {Array.<number>|null} [expiryOffsets] Batch expiryOffsets
             * @property {number|null} [timestampDeltaBias] Batch timestampDeltaBias
             * @property {number|null} [positionResidualBias] Batch positionResidualBias
             * @property {number|null} [positionPrediction] Batch positionPrediction
             * @property {Uint8Array|null} [timestampDeltaBits] Batch timestampDeltaBits
             * @property {Uint8Array|null} [positionResidualBits] Batch positionResidualBits
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Batch.
             * @memberof media_sync.v1
             * @interface IBatch
             * @augments media_sync.v1.Batch.$Properties
             * @deprecated Use media_sync.v1.Batch.$Properties instead.
             */

            /**
             * Shape of a Batch.
             * @typedef {media_sync.v1.Batch.$Properties} media_sync.v1.Batch.$Shape
             */

            /**
             * Constructs a new Batch.
             * @memberof media_sync.v1
             * @classdesc Represents a Batch.
             * @constructor
             * @param {media_sync.v1.Batch.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Batch = function (properties) {
                this.strings = [];
                this.types = [];
                this.seqGaps = [];
                this.timestampDeltas = [];
                this.hlcPhysicalOffsets = [];
                this.hlcLogicals = [];
                this.hlcNodeRefs = [];
                this.userRefs = [];
                this.contentRefs = [];
                this.positionResiduals = [];
                this.durations = [];
                this.states = [];
                this.commandIdRefs = [];
                this.sourceDeviceRefs = [];
                this.targetDeviceRefs = [];
                this.commandTypeRefs = [];
                this.payloads = [];
                this.expiryOffsets = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Batch strings.
             * @member {Array.<string>} strings
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.strings = $util.emptyArray;

            /**
             * Batch uuids.
             * @member {Uint8Array} uuids
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.uuids = $util.newBuffer([]);

            /**
             * Batch types.
             * @member {Array.<number>} types
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.types = $util.emptyArray;

            /**
             * Batch seqGaps.
             * @member {Array.<number>} seqGaps
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.seqGaps = $util.emptyArray;

            /**
             * Batch baseTimestamp.
             * @member {number} baseTimestamp
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.baseTimestamp = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Batch timestampDeltas.
             * @member {Array.<number>} timestampDeltas
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.timestampDeltas = $util.emptyArray;

            /**
             * Batch hlcPhysicalOffsets.
             * @member {Array.<number>} hlcPhysicalOffsets
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.hlcPhysicalOffsets = $util.emptyArray;

            /**
             * Batch hlcLogicals.
             * @member {Array.<number>} hlcLogicals
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.hlcLogicals = $util.emptyArray;

            /**
             * Batch hlcNodeRefs.
             * @member {Array.<number>} hlcNodeRefs
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.hlcNodeRefs = $util.emptyArray;

            /**
             * Batch userRefs.
             * @member {Array.<number>} userRefs
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.userRefs = $util.emptyArray;

            /**
             * Batch contentRefs.
             * @member {Array.<number>} contentRefs
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.contentRefs = $util.emptyArray;

            /**
             * Batch positionResiduals.
             * @member {Array.<number>} positionResiduals
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.positionResiduals = $util.emptyArray;

            /**
             * Batch durations.
             * @member {Array.<number>} durations
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.durations = $util.emptyArray;

            /**
             * Batch states.
             * @member {Array.<number>} states
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.states = $util.emptyArray;

            /**
             * Batch commandIdRefs.
             * @member {Array.<number>} commandIdRefs
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.commandIdRefs = $util.emptyArray;

            /**
             * Batch sourceDeviceRefs.
             * @member {Array.<number>} sourceDeviceRefs
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.sourceDeviceRefs = $util.emptyArray;

            /**
             * Batch targetDeviceRefs.
             * @member {Array.<number>} targetDeviceRefs
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.targetDeviceRefs = $util.emptyArray;

            /**
             * Batch commandTypeRefs.
             * @member {Array.<number>} commandTypeRefs
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.commandTypeRefs = $util.emptyArray;

            /**
             * Batch payloads.
             * @member {Array.<Uint8Array>} payloads
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.payloads = $util.emptyArray;

            /**
             * Batch expiryOffsets.
             * @member {Array.<number>} expiryOffsets
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.expiryOffsets = $util.emptyArray;

            /**
             * Batch timestampDeltaBias.
             * @member {number} timestampDeltaBias
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.timestampDeltaBias = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Batch positionResidualBias.
             * @member {number} positionResidualBias
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.positionResidualBias = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Batch positionPrediction.
             * @member {number} positionPrediction
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.positionPrediction = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Batch timestampDeltaBits.
             * @member {Uint8Array} timestampDeltaBits
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.timestampDeltaBits = $util.newBuffer([]);

            /**
             * Batch positionResidualBits.
             * @member {Uint8Array} positionResidualBits
             * @memberof media_sync.v1.Batch
             * @instance
             */
            Batch.prototype.positionResidualBits = $util.newBuffer([]);

            /**
             * Creates a new Batch instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Batch
             * @static
             * @param {media_sync.v1.Batch.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Batch} Batch instance
             * @type {{
             *   (properties: media_sync.v1.Batch.$Shape): media_sync.v1.Batch & media_sync.v1.Batch.$Shape;
             *   (properties?: media_sync.v1.Batch.$Properties): media_sync.v1.Batch;
             * }}
             */
            Batch.create = function(properties) {
                return new Batch(properties);
            };

            /**
             * Encodes the specified Batch message. Does not implicitly {@link media_sync.v1.Batch.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Batch
             * @static
             * @param {media_sync.v1.Batch.$Properties} message Batch message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Batch.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.strings != null && message.strings.length)
                    for (let i = 0; i < message.strings.length; ++i)
                        writer.uint32(/* id 1, wireType 2 =*/10).string(message.strings[i]);
                if (message.uuids != null && $Object.hasOwnProperty.call(message, "uuids") && message.uuids.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.uuids);
                if (message.types != null && message.types.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).uint32s(message.types);
                if (message.seqGaps != null && message.seqGaps.length)
                    writer.uint32(/* id 4, wireType 2 =*/34).uint64s(message.seqGaps);
                if (message.baseTimestamp != null && $Object.hasOwnProperty.call(message, "baseTimestamp") && (typeof message.baseTimestamp === "object" ? message.baseTimestamp.low || message.baseTimestamp.high : message.baseTimestamp !== 0))
                    writer.uint32(/* id 5, wireType 0 =*/40).sint64(message.baseTimestamp);
                if (message.timestampDeltas != null && message.timestampDeltas.length)
                    writer.uint32(/* id 6, wireType 2 =*/50).sint64s(message.timestampDeltas);
                if (message.hlcPhysicalOffsets != null && message.hlcPhysicalOffsets.length)
                    writer.uint32(/* id 7, wireType 2 =*/58).sint64s(message.hlcPhysicalOffsets);
                if (message.hlcLogicals != null && message.hlcLogicals.length)
                    writer.uint32(/* id 8, wireType 2 =*/66).uint32s(message.hlcLogicals);
                if (message.hlcNodeRefs != null && message.hlcNodeRefs.length)
                    writer.uint32(/* id 9, wireType 2 =*/74).uint32s(message.hlcNodeRefs);
                if (message.userRefs != null && message.userRefs.length)
                    writer.uint32(/* id 10, wireType 2 =*/82).sint32s(message.userRefs);
                if (message.contentRefs != null && message.contentRefs.length)
                    writer.uint32(/* id 11, wireType 2 =*/90).sint32s(message.contentRefs);
                if (message.positionResiduals != null && message.positionResiduals.length)
                    writer.uint32(/* id 12, wireType 2 =*/98).sint64s(message.positionResiduals);
                if (message.durations != null && message.durations.length)
                    writer.uint32(/* id 13, wireType 2 =*/106).uint64s(message.durations);
                if (message.states != null && message.states.length)
                    writer.uint32(/* id 14, wireType 2 =*/114).uint32s(message.states);
                if (message.positionResidualBias != null && $Object.hasOwnProperty.call(message, "positionResidualBias") && (typeof message.positionResidualBias === "object" ? message.positionResidualBias.low || message.positionResidualBias.high : message.positionResidualBias !== 0))
                    writer.uint32(/* id 15, wireType 0 =*/120).sint64(message.positionResidualBias);
                if (message.sourceDeviceRefs != null && message.sourceDeviceRefs.length)
                    writer.uint32(/* id 16, wireType 2 =*/130).uint32s(message.sourceDeviceRefs);
                if (message.targetDeviceRefs != null && message.targetDeviceRefs.length)
                    writer.uint32(/* id 17, wireType 2 =*/138).uint32s(message.targetDeviceRefs);
                if (message.commandTypeRefs != null && message.commandTypeRefs.length)
                    writer.uint32(/* id 18, wireType 2 =*/146).uint32s(message.commandTypeRefs);
                if (message.payloads != null && message.payloads.length)
                    for (let i = 0; i < message.payloads.length; ++i)
                        writer.uint32(/* id 19, wireType 2 =*/154).bytes(message.payloads[i]);
                if (message.expiryOffsets != null && message.expiryOffsets.length)
                    writer.uint32(/* id 20, wireType 2 =*/162).uint64s(message.expiryOffsets);
                if (message.timestampDeltaBias != null && $Object.hasOwnProperty.call(message, "timestampDeltaBias") && (typeof message.timestampDeltaBias === "object" ? message.timestampDeltaBias.low || message.timestampDeltaBias.high : message.timestampDeltaBias !== 0))
                    writer.uint32(/* id 21, wireType 0 =*/168).sint64(message.timestampDeltaBias);
                if (message.commandIdRefs != null && message.commandIdRefs.length)
                    writer.uint32(/* id 22, wireType 2 =*/178).uint32s(message.commandIdRefs);
                if (message.positionPrediction != null && $Object.hasOwnProperty.call(message, "positionPrediction") && (typeof message.positionPrediction === "object" ? message.positionPrediction.low || message.positionPrediction.high : message.positionPrediction !== 0))
                    writer.uint32(/* id 23, wireType 0 =*/184).sint64(message.positionPrediction);
                if (message.timestampDeltaBits != null && $Object.hasOwnProperty.call(message, "timestampDeltaBits") && message.timestampDeltaBits.length)
                    writer.uint32(/* id 24, wireType 2 =*/194).bytes(message.timestampDeltaBits);
                if (message.positionResidualBits != null && $Object.hasOwnProperty.call(message, "positionResidualBits") && message.positionResidualBits.length)
                    writer.uint32(/* id 25, wireType 2 =*/202).bytes(message.positionResidualBits);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Batch message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Batch
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Batch & media_sync.v1.Batch.$Shape} Batch
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Batch.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Batch();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.strings && message.strings.length))
                                message.strings = [];
                            message.strings.push(reader.stringVerify());
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.uuids = value;
                            else
                                delete message.uuids;
                            continue;
                        }
                    case 3: {
                            if (wireType === 2) {
                                if (!(message.types && message.types.length))
                                    message.types = [];
                                reader.uint32s(message.types);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.types && message.types.length))
                                message.types = [];
                            message.types.push(reader.uint32());
                            continue;
                        }
                    case 4: {
                            if (wireType === 2) {
                                if (!(message.seqGaps && message.seqGaps.length))
                                    message.seqGaps = [];
                                reader.uint64s(message.seqGaps);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.seqGaps && message.seqGaps.length))
                                message.seqGaps = [];
                            message.seqGaps.push(reader.uint64());
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.sint64()) === "object" ? value.low || value.high : value !== 0)
                                message.baseTimestamp = value;
                            else
                                delete message.baseTimestamp;
                            continue;
                        }
                    case 6: {
                            if (wireType === 2) {
                                if (!(message.timestampDeltas && message.timestampDeltas.length))
                                    message.timestampDeltas = [];
                                reader.sint64s(message.timestampDeltas);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.timestampDeltas && message.timestampDeltas.length))
                                message.timestampDeltas = [];
                            message.timestampDeltas.push(reader.sint64());
                            continue;
                        }
                    case 7: {
                            if (wireType === 2) {
                                if (!(message.hlcPhysicalOffsets && message.hlcPhysicalOffsets.length))
                                    message.hlcPhysicalOffsets = [];
                                reader.sint64s(message.hlcPhysicalOffsets);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.hlcPhysicalOffsets && message.hlcPhysicalOffsets.length))
                                message.hlcPhysicalOffsets = [];
                            message.hlcPhysicalOffsets.push(reader.sint64());
                            continue;
                        }
                    case 8: {
                            if (wireType === 2) {
                                if (!(message.hlcLogicals && message.hlcLogicals.length))
                                    message.hlcLogicals = [];
                                reader.uint32s(message.hlcLogicals);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.hlcLogicals && message.hlcLogicals.length))
                                message.hlcLogicals = [];
                            message.hlcLogicals.push(reader.uint32());
                            continue;
                        }
                    case 9: {
                            if (wireType === 2) {
                                if (!(message.hlcNodeRefs && message.hlcNodeRefs.length))
                                    message.hlcNodeRefs = [];
                                reader.uint32s(message.hlcNodeRefs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.hlcNodeRefs && message.hlcNodeRefs.length))
                                message.hlcNodeRefs = [];
                            message.hlcNodeRefs.push(reader.uint32());
                            continue;
                        }
                    case 10: {
                            if (wireType === 2) {
                                if (!(message.userRefs && message.userRefs.length))
                                    message.userRefs = [];
                                reader.sint32s(message.userRefs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.userRefs && message.userRefs.length))
                                message.userRefs = [];
                            message.userRefs.push(reader.sint32());
                            continue;
                        }
                    case 11: {
                            if (wireType === 2) {
                                if (!(message.contentRefs && message.contentRefs.length))
                                    message.contentRefs = [];
                                reader.sint32s(message.contentRefs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.contentRefs && message.contentRefs.length))
                                message.contentRefs = [];
                            message.contentRefs.push(reader.sint32());
                            continue;
                        }
                    case 12: {
                            if (wireType === 2) {
                                if (!(message.positionResiduals && message.positionResiduals.length))
                                    message.positionResiduals = [];
                                reader.sint64s(message.positionResiduals);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.positionResiduals && message.positionResiduals.length))
                                message.positionResiduals = [];
                            message.positionResiduals.push(reader.sint64());
                            continue;
                        }
                    case 13: {
                            if (wireType === 2) {
                                if (!(message.durations && message.durations.length))
                                    message.durations = [];
                                reader.uint64s(message.durations);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.durations && message.durations.length))
                                message.durations = [];
                            message.durations.push(reader.uint64());
                            continue;
                        }
                    case 14: {
                            if (wireType === 2) {
                                if (!(message.states && message.states.length))
                                    message.states = [];
                                reader.uint32s(message.states);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.states && message.states.length))
                                message.states = [];
                            message.states.push(reader.uint32());
                            continue;
                        }
                    case 22: {
                            if (wireType === 2) {
                                if (!(message.commandIdRefs && message.commandIdRefs.length))
                                    message.commandIdRefs = [];
                                reader.uint32s(message.commandIdRefs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.commandIdRefs && message.commandIdRefs.length))
                                message.commandIdRefs = [];
                            message.commandIdRefs.push(reader.uint32());
                            continue;
                        }
                    case 16: {
                            if (wireType === 2) {
                                if (!(message.sourceDeviceRefs && message.sourceDeviceRefs.length))
                                    message.sourceDeviceRefs = [];
                                reader.uint32s(message.sourceDeviceRefs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.sourceDeviceRefs && message.sourceDeviceRefs.length))
                                message.sourceDeviceRefs = [];
                            message.sourceDeviceRefs.push(reader.uint32());
                            continue;
                        }
                    case 17: {
                            if (wireType === 2) {
                                if (!(message.targetDeviceRefs && message.targetDeviceRefs.length))
                                    message.targetDeviceRefs = [];
                                reader.uint32s(message.targetDeviceRefs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.targetDeviceRefs && message.targetDeviceRefs.length))
                                message.targetDeviceRefs = [];
                            message.targetDeviceRefs.push(reader.uint32());
                            continue;
                        }
                    case 18: {
                            if (wireType === 2) {
                                if (!(message.commandTypeRefs && message.commandTypeRefs.length))
                                    message.commandTypeRefs = [];
                                reader.uint32s(message.commandTypeRefs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.commandTypeRefs && message.commandTypeRefs.length))
                                message.commandTypeRefs = [];
                            message.commandTypeRefs.push(reader.uint32());
                            continue;
                        }
                    case 19: {
                            if (wireType !== 2)
                                break;
                            if (!(message.payloads && message.payloads.length))
                                message.payloads = [];
                            message.payloads.push(reader.bytes());
                            continue;
                        }
                    case 20: {
                            if (wireType === 2) {
                                if (!(message.expiryOffsets && message.expiryOffsets.length))
                                    message.expiryOffsets = [];
                                reader.uint64s(message.expiryOffsets);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.expiryOffsets && message.expiryOffsets.length))
                                message.expiryOffsets = [];
                            message.expiryOffsets.push(reader.uint64());
                            continue;
                        }
                    case 21: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.sint64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestampDeltaBias = value;
                            else
                                delete message.timestampDeltaBias;
                            continue;
                        }
                    case 15: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.sint64()) === "object" ? value.low || value.high : value !== 0)
                                message.positionResidualBias = value;
                            else
                                delete message.positionResidualBias;
                            continue;
                        }
                    case 23: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.sint64()) === "object" ? value.low || value.high : value !== 0)
                                message.positionPrediction = value;
                            else
                                delete message.positionPrediction;
                            continue;
                        }
                    case 24: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.timestampDeltaBits = value;
                            else
                                delete message.timestampDeltaBits;
                            continue;
                        }
                    case 25: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.positionResidualBits = value;
                            else
                                delete message.positionResidualBits;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Batch
             * @function getTypeUrl
             * @memberof media_sync.v1.Batch
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Batch.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Batch";
            };

            return Batch;
        })();

        v1.Frame = (function() {

            /**
             * Properties of a Frame.
             * @typedef {Object} media_sync.v1.Frame.$Properties
             * @property {number|null} [formatVersion] Frame formatVersion
             * @property {number|null} [flags] Frame flags
             * @property {number|null} [dictionaryId] Frame dictionaryId
             * @property {string|null} [deviceId] Frame deviceId
             * @property {number|null} [opCount] Frame opCount
             * @property {number|null} [firstSeq] Frame firstSeq
             * @property {number|null} [lastSeq] Frame lastSeq
             * @property {number|null} [bodyLength] Frame bodyLength
             * @property {number|null} [checksum] Frame checksum
             * @property {number|null} [userBoundChecksum] Frame userBoundChecksum
             * @property {Array.<number>|null} [skipped] Frame skipped
             * @property {Uint8Array|null} [body] Frame body
             * @property {"checksum"|"userBoundChecksum"} [integrity] Frame integrity
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Frame.
             * @memberof media_sync.v1
             * @interface IFrame
             * @augments media_sync.v1.Frame.$Properties
             * @deprecated Use media_sync.v1.Frame.$Properties instead.
             */

            /**
             * Narrowed shape of a Frame.
             * @typedef {{
             *   formatVersion?: number|null;
             *   flags?: number|null;
             *   dictionaryId?: number|null;
             *   deviceId?: string|null;
             *   opCount?: number|null;
             *   firstSeq?: number|null;
             *   lastSeq?: number|null;
             *   bodyLength?: number|null;
             *   checksum?: number|null;
             *   userBoundChecksum?: number|null;
             *   skipped?: Array.<number>|null;
             *   body?: Uint8Array|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ integrity?: undefined; checksum?: null; userBoundChecksum?: null }|{ integrity?: "checksum"; checksum: number; userBoundChecksum?: null }|{ integrity?: "userBoundChecksum"; checksum?: null; userBoundChecksum: number })
             * )} media_sync.v1.Frame.$Shape
             */

            /**
             * Constructs a new Frame.
             * @memberof media_sync.v1
             * @classdesc Represents a Frame.
             * @constructor
             * @param {media_sync.v1.Frame.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Frame = function (properties) {
                this.skipped = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Frame formatVersion.
             * @member {number} formatVersion
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.formatVersion = 0;

            /**
             * Frame flags.
             * @member {number} flags
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.flags = 0;

            /**
             * Frame dictionaryId.
             * @member {number} dictionaryId
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.dictionaryId = 0;

            /**
             * Frame deviceId.
             * @member {string} deviceId
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.deviceId = "";

            /**
             * Frame opCount.
             * @member {number} opCount
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.opCount = 0;

            /**
             * Frame firstSeq.
             * @member {number} firstSeq
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.firstSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Frame lastSeq.
             * @member {number} lastSeq
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.lastSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Frame bodyLength.
             * @member {number} bodyLength
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.bodyLength = 0;

            /**
             * Frame checksum.
             * @member {number|null|undefined} checksum
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.checksum = null;

            /**
             * Frame userBoundChecksum.
             * @member {number|null|undefined} userBoundChecksum
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.userBoundChecksum = null;

            /**
             * Frame skipped.
             * @member {Array.<number>} skipped
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.skipped = $util.emptyArray;

            /**
             * Frame body.
             * @member {Uint8Array} body
             * @memberof media_sync.v1.Frame
             * @instance
             */
            Frame.prototype.body = $util.newBuffer([]);

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * Frame integrity.
             * @member {"checksum"|"userBoundChecksum"|undefined} integrity
             * @memberof media_sync.v1.Frame
             * @instance
             */
            $Object.defineProperty(Frame.prototype, "integrity", {
                get: $util.oneOfGetter($oneOfFields = ["checksum", "userBoundChecksum"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Frame instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Frame
             * @static
             * @param {media_sync.v1.Frame.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Frame} Frame instance
             * @type {{
             *   (properties: media_sync.v1.Frame.$Shape): media_sync.v1.Frame & media_sync.v1.Frame.$Shape;
             *   (properties?: media_sync.v1.Frame.$Properties): media_sync.v1.Frame;
             * }}
             */
            Frame.create = function(properties) {
                return new Frame(properties);
            };

            /**
             * Encodes the specified Frame message. Does not implicitly {@link media_sync.v1.Frame.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Frame
             * @static
             * @param {media_sync.v1.Frame.$Properties} message Frame message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Frame.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.formatVersion != null && $Object.hasOwnProperty.call(message, "formatVersion") && message.formatVersion !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.formatVersion);
                if (message.flags != null && $Object.hasOwnProperty.call(message, "flags") && message.flags !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.flags);
                if (message.dictionaryId != null && $Object.hasOwnProperty.call(message, "dictionaryId") && message.dictionaryId !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.dictionaryId);
                if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.deviceId);
                if (message.opCount != null && $Object.hasOwnProperty.call(message, "opCount") && message.opCount !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.opCount);
                if (message.firstSeq != null && $Object.hasOwnProperty.call(message, "firstSeq") && (typeof message.firstSeq === "object" ? message.firstSeq.low || message.firstSeq.high : message.firstSeq !== 0))
                    writer.uint32(/* id 7, wireType 0 =*/56).uint64(message.firstSeq);
                if (message.lastSeq != null && $Object.hasOwnProperty.call(message, "lastSeq") && (typeof message.lastSeq === "object" ? message.lastSeq.low || message.lastSeq.high : message.lastSeq !== 0))
                    writer.uint32(/* id 8, wireType 0 =*/64).uint64(message.lastSeq);
                if (message.bodyLength != null && $Object.hasOwnProperty.call(message, "bodyLength") && message.bodyLength !== 0)
                    writer.uint32(/* id 9, wireType 0 =*/72).uint32(message.bodyLength);
                if (message.checksum != null && $Object.hasOwnProperty.call(message, "checksum"))
                    writer.uint32(/* id 10, wireType 5 =*/85).fixed32(message.checksum);
                if (message.skipped != null && message.skipped.length)
                    writer.uint32(/* id 11, wireType 2 =*/90).uint64s(message.skipped);
                if (message.userBoundChecksum != null && $Object.hasOwnProperty.call(message, "userBoundChecksum"))
                    writer.uint32(/* id 12, wireType 5 =*/101).fixed32(message.userBoundChecksum);
                if (message.body != null && $Object.hasOwnProperty.call(message, "body") && message.body.length)
                    writer.uint32(/* id 15, wireType 2 =*/122).bytes(message.body);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Frame message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Frame
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Frame & media_sync.v1.Frame.$Shape} Frame
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Frame.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Frame();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.formatVersion = value;
                            else
                                delete message.formatVersion;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.flags = value;
                            else
                                delete message.flags;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.dictionaryId = value;
                            else
                                delete message.dictionaryId;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.deviceId = value;
                            else
                                delete message.deviceId;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.opCount = value;
                            else
                                delete message.opCount;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.firstSeq = value;
                            else
                                delete message.firstSeq;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.lastSeq = value;
                            else
                                delete message.lastSeq;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.bodyLength = value;
                            else
                                delete message.bodyLength;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 5)
                                break;
                            message.checksum = reader.fixed32();
                            message.integrity = "checksum";
                            continue;
                        }
                    case 12: {
                            if (wireType !== 5)
                                break;
                            message.userBoundChecksum = reader.fixed32();
                            message.integrity = "userBoundChecksum";
                            continue;
                        }
                    case 11: {
                            if (wireType === 2) {
                                if (!(message.skipped && message.skipped.length))
                                    message.skipped = [];
                                reader.uint64s(message.skipped);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.skipped && message.skipped.length))
                                message.skipped = [];
                            message.skipped.push(reader.uint64());
                            continue;
                        }
                    case 15: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.body = value;
                            else
                                delete message.body;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Frame
             * @function getTypeUrl
             * @memberof media_sync.v1.Frame
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Frame.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Frame";
            };

            return Frame;
        })();

        v1.GatewayMessage = (function() {

            /**
             * Properties of a GatewayMessage.
             * @typedef {Object} media_sync.v1.GatewayMessage.$Properties
             * @property {media_sync.v1.Hello.$Properties|null} [hello] GatewayMessage hello
             * @property {media_sync.v1.FrameUpload.$Properties|null} [frame] GatewayMessage frame
             * @property {media_sync.v1.Ack.$Properties|null} [ack] GatewayMessage ack
             * @property {media_sync.v1.Error.$Properties|null} [error] GatewayMessage error
             * @property {media_sync.v1.Subscribe.$Properties|null} [subscribe] GatewayMessage subscribe
             * @property {media_sync.v1.Fanout.$Properties|null} [fanout] GatewayMessage fanout
             * @property {media_sync.v1.CommandDelivery.$Properties|null} [command] GatewayMessage command
             * @property {media_sync.v1.CommandAck.$Properties|null} [commandAck] GatewayMessage commandAck
             * @property {media_sync.v1.Synced.$Properties|null} [synced] GatewayMessage synced
             * @property {"hello"|"frame"|"ack"|"error"|"subscribe"|"fanout"|"command"|"commandAck"|"synced"} [kind] GatewayMessage kind
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a GatewayMessage.
             * @memberof media_sync.v1
             * @interface IGatewayMessage
             * @augments media_sync.v1.GatewayMessage.$Properties
             * @deprecated Use media_sync.v1.GatewayMessage.$Properties instead.
             */

            /**
             * Narrowed shape of a GatewayMessage.
             * @typedef {{
             *   hello?: media_sync.v1.Hello.$Shape|null;
             *   frame?: media_sync.v1.FrameUpload.$Shape|null;
             *   ack?: media_sync.v1.Ack.$Shape|null;
             *   error?: media_sync.v1.Error.$Shape|null;
             *   subscribe?: media_sync.v1.Subscribe.$Shape|null;
             *   fanout?: media_sync.v1.Fanout.$Shape|null;
             *   command?: media_sync.v1.CommandDelivery.$Shape|null;
             *   commandAck?: media_sync.v1.CommandAck.$Shape|null;
             *   synced?: media_sync.v1.Synced.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ kind?: undefined; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "hello"; hello: media_sync.v1.Hello.$Shape; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "frame"; hello?: null; frame: media_sync.v1.FrameUpload.$Shape; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "ack"; hello?: null; frame?: null; ack: media_sync.v1.Ack.$Shape; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "error"; hello?: null; frame?: null; ack?: null; error: media_sync.v1.Error.$Shape; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "subscribe"; hello?: null; frame?: null; ack?: null; error?: null; subscribe: media_sync.v1.Subscribe.$Shape; fanout?: null; command?: null; commandAck?: null; synced?: null }|{ kind?: "fanout"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout: media_sync.v1.Fanout.$Shape; command?: null; commandAck?: null; synced?: null }|{ kind?: "command"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command: media_sync.v1.CommandDelivery.$Shape; commandAck?: null; synced?: null }|{ kind?: "commandAck"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck: media_sync.v1.CommandAck.$Shape; synced?: null }|{ kind?: "synced"; hello?: null; frame?: null; ack?: null; error?: null; subscribe?: null; fanout?: null; command?: null; commandAck?: null; synced: media_sync.v1.Synced.$Shape })
             * )} media_sync.v1.GatewayMessage.$Shape
             */

            /**
             * Constructs a new GatewayMessage.
             * @memberof media_sync.v1
             * @classdesc Represents a GatewayMessage.
             * @constructor
             * @param {media_sync.v1.GatewayMessage.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const GatewayMessage = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * GatewayMessage hello.
             * @member {media_sync.v1.Hello.$Properties|null|undefined} hello
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.hello = null;

            /**
             * GatewayMessage frame.
             * @member {media_sync.v1.FrameUpload.$Properties|null|undefined} frame
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.frame = null;

            /**
             * GatewayMessage ack.
             * @member {media_sync.v1.Ack.$Properties|null|undefined} ack
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.ack = null;

            /**
             * GatewayMessage error.
             * @member {media_sync.v1.Error.$Properties|null|undefined} error
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.error = null;

            /**
             * GatewayMessage subscribe.
             * @member {media_sync.v1.Subscribe.$Properties|null|undefined} subscribe
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.subscribe = null;

            /**
             * GatewayMessage fanout.
             * @member {media_sync.v1.Fanout.$Properties|null|undefined} fanout
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.fanout = null;

            /**
             * GatewayMessage command.
             * @member {media_sync.v1.CommandDelivery.$Properties|null|undefined} command
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.command = null;

            /**
             * GatewayMessage commandAck.
             * @member {media_sync.v1.CommandAck.$Properties|null|undefined} commandAck
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.commandAck = null;

            /**
             * GatewayMessage synced.
             * @member {media_sync.v1.Synced.$Properties|null|undefined} synced
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            GatewayMessage.prototype.synced = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * GatewayMessage kind.
             * @member {"hello"|"frame"|"ack"|"error"|"subscribe"|"fanout"|"command"|"commandAck"|"synced"|undefined} kind
             * @memberof media_sync.v1.GatewayMessage
             * @instance
             */
            $Object.defineProperty(GatewayMessage.prototype, "kind", {
                get: $util.oneOfGetter($oneOfFields = ["hello", "frame", "ack", "error", "subscribe", "fanout", "command", "commandAck", "synced"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new GatewayMessage instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.GatewayMessage
             * @static
             * @param {media_sync.v1.GatewayMessage.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.GatewayMessage} GatewayMessage instance
             * @type {{
             *   (properties: media_sync.v1.GatewayMessage.$Shape): media_sync.v1.GatewayMessage & media_sync.v1.GatewayMessage.$Shape;
             *   (properties?: media_sync.v1.GatewayMessage.$Properties): media_sync.v1.GatewayMessage;
             * }}
             */
            GatewayMessage.create = function(properties) {
                return new GatewayMessage(properties);
            };

            /**
             * Encodes the specified GatewayMessage message. Does not implicitly {@link media_sync.v1.GatewayMessage.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.GatewayMessage
             * @static
             * @param {media_sync.v1.GatewayMessage.$Properties} message GatewayMessage message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            GatewayMessage.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.hello != null && $Object.hasOwnProperty.call(message, "hello"))
                    $root.media_sync.v1.Hello.encode(message.hello, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.frame != null && $Object.hasOwnProperty.call(message, "frame"))
                    $root.media_sync.v1.FrameUpload.encode(message.frame, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.ack != null && $Object.hasOwnProperty.call(message, "ack"))
                    $root.media_sync.v1.Ack.encode(message.ack, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.error != null && $Object.hasOwnProperty.call(message, "error"))
                    $root.media_sync.v1.Error.encode(message.error, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.subscribe != null && $Object.hasOwnProperty.call(message, "subscribe"))
                    $root.media_sync.v1.Subscribe.encode(message.subscribe, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
                if (message.fanout != null && $Object.hasOwnProperty.call(message, "fanout"))
                    $root.media_sync.v1.Fanout.encode(message.fanout, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
                if (message.command != null && $Object.hasOwnProperty.call(message, "command"))
                    $root.media_sync.v1.CommandDelivery.encode(message.command, writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
                if (message.commandAck != null && $Object.hasOwnProperty.call(message, "commandAck"))
                    $root.media_sync.v1.CommandAck.encode(message.commandAck, writer.uint32(/* id 8, wireType 2 =*/66).fork(), _depth + 1).ldelim();
                if (message.synced != null && $Object.hasOwnProperty.call(message, "synced"))
                    $root.media_sync.v1.Synced.encode(message.synced, writer.uint32(/* id 9, wireType 2 =*/74).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a GatewayMessage message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.GatewayMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.GatewayMessage & media_sync.v1.GatewayMessage.$Shape} GatewayMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            GatewayMessage.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.GatewayMessage();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            message.hello = $root.media_sync.v1.Hello.decode(reader, reader.size(), $undefined, _depth + 1, message.hello);
                            message.kind = "hello";
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            message.frame = $root.media_sync.v1.FrameUpload.decode(reader, reader.size(), $undefined, _depth + 1, message.frame);
                            message.kind = "frame";
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.ack = $root.media_sync.v1.Ack.decode(reader, reader.size(), $undefined, _depth + 1, message.ack);
                            message.kind = "ack";
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            message.error = $root.media_sync.v1.Error.decode(reader, reader.size(), $undefined, _depth + 1, message.error);
                            message.kind = "error";
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            message.subscribe = $root.media_sync.v1.Subscribe.decode(reader, reader.size(), $undefined, _depth + 1, message.subscribe);
                            message.kind = "subscribe";
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            message.fanout = $root.media_sync.v1.Fanout.decode(reader, reader.size(), $undefined, _depth + 1, message.fanout);
                            message.kind = "fanout";
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            message.command = $root.media_sync.v1.CommandDelivery.decode(reader, reader.size(), $undefined, _depth + 1, message.command);
                            message.kind = "command";
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            message.commandAck = $root.media_sync.v1.CommandAck.decode(reader, reader.size(), $undefined, _depth + 1, message.commandAck);
                            message.kind = "commandAck";
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            message.synced = $root.media_sync.v1.Synced.decode(reader, reader.size(), $undefined, _depth + 1, message.synced);
                            message.kind = "synced";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for GatewayMessage
             * @function getTypeUrl
             * @memberof media_sync.v1.GatewayMessage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            GatewayMessage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.GatewayMessage";
            };

            return GatewayMessage;
        })();

        v1.Hello = (function() {

            /**
             * Properties of a Hello.
             * @typedef {Object} media_sync.v1.Hello.$Properties
             * @property {number|null} [protocol] Hello protocol
             * @property {string|null} [userId] Hello userId
             * @property {string|null} [deviceId] Hello deviceId
             * @property {number|null} [maxFrameBytes] Hello maxFrameBytes
             * @property {number|null} [tokenExpiresAtMs] Hello tokenExpiresAtMs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Hello.
             * @memberof media_sync.v1
             * @interface IHello
             * @augments media_sync.v1.Hello.$Properties
             * @deprecated Use media_sync.v1.Hello.$Properties instead.
             */

            /**
             * Shape of a Hello.
             * @typedef {media_sync.v1.Hello.$Properties} media_sync.v1.Hello.$Shape
             */

            /**
             * Constructs a new Hello.
             * @memberof media_sync.v1
             * @classdesc Represents a Hello.
             * @constructor
             * @param {media_sync.v1.Hello.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Hello = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Hello protocol.
             * @member {number} protocol
             * @memberof media_sync.v1.Hello
             * @instance
             */
            Hello.prototype.protocol = 0;

            /**
             * Hello userId.
             * @member {string} userId
             * @memberof media_sync.v1.Hello
             * @instance
             */
            Hello.prototype.userId = "";

            /**
             * Hello deviceId.
             * @member {string} deviceId
             * @memberof media_sync.v1.Hello
             * @instance
             */
            Hello.prototype.deviceId = "";

            /**
             * Hello maxFrameBytes.
             * @member {number} maxFrameBytes
             * @memberof media_sync.v1.Hello
             * @instance
             */
            Hello.prototype.maxFrameBytes = 0;

            /**
             * Hello tokenExpiresAtMs.
             * @member {number} tokenExpiresAtMs
             * @memberof media_sync.v1.Hello
             * @instance
             */
            Hello.prototype.tokenExpiresAtMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Hello instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Hello
             * @static
             * @param {media_sync.v1.Hello.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Hello} Hello instance
             * @type {{
             *   (properties: media_sync.v1.Hello.$Shape): media_sync.v1.Hello & media_sync.v1.Hello.$Shape;
             *   (properties?: media_sync.v1.Hello.$Properties): media_sync.v1.Hello;
             * }}
             */
            Hello.create = function(properties) {
                return new Hello(properties);
            };

            /**
             * Encodes the specified Hello message. Does not implicitly {@link media_sync.v1.Hello.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Hello
             * @static
             * @param {media_sync.v1.Hello.$Properties} message Hello message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Hello.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.protocol != null && $Object.hasOwnProperty.call(message, "protocol") && message.protocol !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.protocol);
                if (message.userId != null && $Object.hasOwnProperty.call(message, "userId") && message.userId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.userId);
                if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.deviceId);
                if (message.maxFrameBytes != null && $Object.hasOwnProperty.call(message, "maxFrameBytes") && message.maxFrameBytes !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.maxFrameBytes);
                if (message.tokenExpiresAtMs != null && $Object.hasOwnProperty.call(message, "tokenExpiresAtMs") && (typeof message.tokenExpiresAtMs === "object" ? message.tokenExpiresAtMs.low || message.tokenExpiresAtMs.high : message.tokenExpiresAtMs !== 0))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.tokenExpiresAtMs);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Hello message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Hello
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Hello & media_sync.v1.Hello.$Shape} Hello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Hello.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Hello();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.protocol = value;
                            else
                                delete message.protocol;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.userId = value;
                            else
                                delete message.userId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.deviceId = value;
                            else
                                delete message.deviceId;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.maxFrameBytes = value;
                            else
                                delete message.maxFrameBytes;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.tokenExpiresAtMs = value;
                            else
                                delete message.tokenExpiresAtMs;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Hello
             * @function getTypeUrl
             * @memberof media_sync.v1.Hello
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Hello.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Hello";
            };

            return Hello;
        })();

        v1.FrameUpload = (function() {

            /**
             * Properties of a FrameUpload.
             * @typedef {Object} media_sync.v1.FrameUpload.$Properties
             * @property {number|null} [frameId] FrameUpload frameId
             * @property {Uint8Array|null} [frame] FrameUpload frame
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a FrameUpload.
             * @memberof media_sync.v1
             * @interface IFrameUpload
             * @augments media_sync.v1.FrameUpload.$Properties
             * @deprecated Use media_sync.v1.FrameUpload.$Properties instead.
             */

            /**
             * Shape of a FrameUpload.
             * @typedef {media_sync.v1.FrameUpload.$Properties} media_sync.v1.FrameUpload.$Shape
             */

            /**
             * Constructs a new FrameUpload.
             * @memberof media_sync.v1
             * @classdesc Represents a FrameUpload.
             * @constructor
             * @param {media_sync.v1.FrameUpload.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const FrameUpload = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * FrameUpload frameId.
             * @member {number} frameId
             * @memberof media_sync.v1.FrameUpload
             * @instance
             */
            FrameUpload.prototype.frameId = 0;

            /**
             * FrameUpload frame.
             * @member {Uint8Array} frame
             * @memberof media_sync.v1.FrameUpload
             * @instance
             */
            FrameUpload.prototype.frame = $util.newBuffer([]);

            /**
             * Creates a new FrameUpload instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.FrameUpload
             * @static
             * @param {media_sync.v1.FrameUpload.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.FrameUpload} FrameUpload instance
             * @type {{
             *   (properties: media_sync.v1.FrameUpload.$Shape): media_sync.v1.FrameUpload & media_sync.v1.FrameUpload.$Shape;
             *   (properties?: media_sync.v1.FrameUpload.$Properties): media_sync.v1.FrameUpload;
             * }}
             */
            FrameUpload.create = function(properties) {
                return new FrameUpload(properties);
            };

            /**
             * Encodes the specified FrameUpload message. Does not implicitly {@link media_sync.v1.FrameUpload.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.FrameUpload
             * @static
             * @param {media_sync.v1.FrameUpload.$Properties} message FrameUpload message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            FrameUpload.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.frameId != null && $Object.hasOwnProperty.call(message, "frameId") && message.frameId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.frameId);
                if (message.frame != null && $Object.hasOwnProperty.call(message, "frame") && message.frame.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.frame);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a FrameUpload message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.FrameUpload
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.FrameUpload & media_sync.v1.FrameUpload.$Shape} FrameUpload
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            FrameUpload.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.FrameUpload();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.frameId = value;
                            else
                                delete message.frameId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.frame = value;
                            else
                                delete message.frame;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for FrameUpload
             * @function getTypeUrl
             * @memberof media_sync.v1.FrameUpload
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            FrameUpload.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.FrameUpload";
            };

            return FrameUpload;
        })();

        v1.RejectedRange = (function() {

            /**
             * Properties of a RejectedRange.
             * @typedef {Object} media_sync.v1.RejectedRange.$Properties
             * @property {number|null} [firstSeq] RejectedRange firstSeq
             * @property {number|null} [lastSeq] RejectedRange lastSeq
             * @property {string|null} [code] RejectedRange code
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RejectedRange.
             * @memberof media_sync.v1
             * @interface IRejectedRange
             * @augments media_sync.v1.RejectedRange.$Properties
             * @deprecated Use media_sync.v1.RejectedRange.$Properties instead.
             */

            /**
             * Shape of a RejectedRange.
             * @typedef {media_sync.v1.RejectedRange.$Properties} media_sync.v1.RejectedRange.$Shape
             */

            /**
             * Constructs a new RejectedRange.
             * @memberof media_sync.v1
             * @classdesc Represents a RejectedRange.
             * @constructor
             * @param {media_sync.v1.RejectedRange.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const RejectedRange = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * RejectedRange firstSeq.
             * @member {number} firstSeq
             * @memberof media_sync.v1.RejectedRange
             * @instance
             */
            RejectedRange.prototype.firstSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * RejectedRange lastSeq.
             * @member {number} lastSeq
             * @memberof media_sync.v1.RejectedRange
             * @instance
             */
            RejectedRange.prototype.lastSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * RejectedRange code.
             * @member {string} code
             * @memberof media_sync.v1.RejectedRange
             * @instance
             */
            RejectedRange.prototype.code = "";

            /**
             * Creates a new RejectedRange instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.RejectedRange
             * @static
             * @param {media_sync.v1.RejectedRange.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.RejectedRange} RejectedRange instance
             * @type {{
             *   (properties: media_sync.v1.RejectedRange.$Shape): media_sync.v1.RejectedRange & media_sync.v1.RejectedRange.$Shape;
             *   (properties?: media_sync.v1.RejectedRange.$Properties): media_sync.v1.RejectedRange;
             * }}
             */
            RejectedRange.create = function(properties) {
                return new RejectedRange(properties);
            };

            /**
             * Encodes the specified RejectedRange message. Does not implicitly {@link media_sync.v1.RejectedRange.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.RejectedRange
             * @static
             * @param {media_sync.v1.RejectedRange.$Properties} message RejectedRange message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RejectedRange.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.firstSeq != null && $Object.hasOwnProperty.call(message, "firstSeq") && (typeof message.firstSeq === "object" ? message.firstSeq.low || message.firstSeq.high : message.firstSeq !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.firstSeq);
                if (message.lastSeq != null && $Object.hasOwnProperty.call(message, "lastSeq") && (typeof message.lastSeq === "object" ? message.lastSeq.low || message.lastSeq.high : message.lastSeq !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.lastSeq);
                if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.code);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a RejectedRange message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.RejectedRange
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.RejectedRange & media_sync.v1.RejectedRange.$Shape} RejectedRange
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RejectedRange.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.RejectedRange();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.firstSeq = value;
                            else
                                delete message.firstSeq;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.lastSeq = value;
                            else
                                delete message.lastSeq;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.code = value;
                            else
                                delete message.code;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for RejectedRange
             * @function getTypeUrl
             * @memberof media_sync.v1.RejectedRange
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RejectedRange.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.RejectedRange";
            };

            return RejectedRange;
        })();

        v1.Ack = (function() {

            /**
             * Properties of an Ack.
             * @typedef {Object} media_sync.v1.Ack.$Properties
             * @property {number|null} [frameId] Ack frameId
             * @property {number|null} [firstSeq] Ack firstSeq
             * @property {number|null} [lastSeq] Ack lastSeq
             * @property {boolean|null} [duplicate] Ack duplicate
             * @property {Array.<media_sync.v1.RejectedRange.$Properties>|null} [rejected] Ack rejected
             * @property {number|null} [rejectedCount] Ack rejectedCount
             * @property {boolean|null} [rejectedTruncated] Ack rejectedTruncated
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Ack.
             * @memberof media_sync.v1
             * @interface IAck
             * @augments media_sync.v1.Ack.$Properties
             * @deprecated Use media_sync.v1.Ack.$Properties instead.
             */

            /**
             * Shape of an Ack.
             * @typedef {media_sync.v1.Ack.$Properties} media_sync.v1.Ack.$Shape
             */

            /**
             * Constructs a new Ack.
             * @memberof media_sync.v1
             * @classdesc Represents an Ack.
             * @constructor
             * @param {media_sync.v1.Ack.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Ack = function (properties) {
                this.rejected = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Ack frameId.
             * @member {number} frameId
             * @memberof media_sync.v1.Ack
             * @instance
             */
            Ack.prototype.frameId = 0;

            /**
             * Ack firstSeq.
             * @member {number} firstSeq
             * @memberof media_sync.v1.Ack
             * @instance
             */
            Ack.prototype.firstSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Ack lastSeq.
             * @member {number} lastSeq
             * @memberof media_sync.v1.Ack
             * @instance
             */
            Ack.prototype.lastSeq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Ack duplicate.
             * @member {boolean} duplicate
             * @memberof media_sync.v1.Ack
             * @instance
             */
            Ack.prototype.duplicate = false;

            /**
             * Ack rejected.
             * @member {Array.<media_sync.v1.RejectedRange.$Properties>} rejected
             * @memberof media_sync.v1.Ack
             * @instance
             */
            Ack.prototype.rejected = $util.emptyArray;

            /**
             * Ack rejectedCount.
             * @member {number} rejectedCount
             * @memberof media_sync.v1.Ack
             * @instance
             */
            Ack.prototype.rejectedCount = 0;

            /**
             * Ack rejectedTruncated.
             * @member {boolean} rejectedTruncated
             * @memberof media_sync.v1.Ack
             * @instance
             */
            Ack.prototype.rejectedTruncated = false;

            /**
             * Creates a new Ack instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Ack
             * @static
             * @param {media_sync.v1.Ack.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Ack} Ack instance
             * @type {{
             *   (properties: media_sync.v1.Ack.$Shape): media_sync.v1.Ack & media_sync.v1.Ack.$Shape;
             *   (properties?: media_sync.v1.Ack.$Properties): media_sync.v1.Ack;
             * }}
             */
            Ack.create = function(properties) {
                return new Ack(properties);
            };

            /**
             * Encodes the specified Ack message. Does not implicitly {@link media_sync.v1.Ack.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Ack
             * @static
             * @param {media_sync.v1.Ack.$Properties} message Ack message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Ack.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.frameId != null && $Object.hasOwnProperty.call(message, "frameId") && message.frameId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.frameId);
                if (message.firstSeq != null && $Object.hasOwnProperty.call(message, "firstSeq") && (typeof message.firstSeq === "object" ? message.firstSeq.low || message.firstSeq.high : message.firstSeq !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.firstSeq);
                if (message.lastSeq != null && $Object.hasOwnProperty.call(message, "lastSeq") && (typeof message.lastSeq === "object" ? message.lastSeq.low || message.lastSeq.high : message.lastSeq !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.lastSeq);
                if (message.duplicate != null && $Object.hasOwnProperty.call(message, "duplicate") && message.duplicate !== false)
                    writer.uint32(/* id 4, wireType 0 =*/32).bool(message.duplicate);
                if (message.rejected != null && message.rejected.length)
                    for (let i = 0; i < message.rejected.length; ++i)
                        $root.media_sync.v1.RejectedRange.encode(message.rejected[i], writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
                if (message.rejectedCount != null && $Object.hasOwnProperty.call(message, "rejectedCount") && message.rejectedCount !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.rejectedCount);
                if (message.rejectedTruncated != null && $Object.hasOwnProperty.call(message, "rejectedTruncated") && message.rejectedTruncated !== false)
                    writer.uint32(/* id 7, wireType 0 =*/56).bool(message.rejectedTruncated);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Ack message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Ack
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Ack & media_sync.v1.Ack.$Shape} Ack
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Ack.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Ack();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.frameId = value;
                            else
                                delete message.frameId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.firstSeq = value;
                            else
                                delete message.firstSeq;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.lastSeq = value;
                            else
                                delete message.lastSeq;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.duplicate = value;
                            else
                                delete message.duplicate;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if (!(message.rejected && message.rejected.length))
                                message.rejected = [];
                            message.rejected.push($root.media_sync.v1.RejectedRange.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.rejectedCount = value;
                            else
                                delete message.rejectedCount;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.rejectedTruncated = value;
                            else
                                delete message.rejectedTruncated;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Ack
             * @function getTypeUrl
             * @memberof media_sync.v1.Ack
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Ack.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Ack";
            };

            return Ack;
        })();

        v1.Error = (function() {

            /**
             * Properties of an Error.
             * @typedef {Object} media_sync.v1.Error.$Properties
             * @property {number|null} [frameId] Error frameId
             * @property {string|null} [code] Error code
             * @property {string|null} [message] Error message
             * @property {number|null} [offset] Error offset
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Error.
             * @memberof media_sync.v1
             * @interface IError
             * @augments media_sync.v1.Error.$Properties
             * @deprecated Use media_sync.v1.Error.$Properties instead.
             */

            /**
             * Shape of an Error.
             * @typedef {media_sync.v1.Error.$Properties} media_sync.v1.Error.$Shape
             */

            /**
             * Constructs a new Error.
             * @memberof media_sync.v1
             * @classdesc Represents an Error.
             * @constructor
             * @param {media_sync.v1.Error.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Error = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Error frameId.
             * @member {number} frameId
             * @memberof media_sync.v1.Error
             * @instance
             */
            Error.prototype.frameId = 0;

            /**
             * Error code.
             * @member {string} code
             * @memberof media_sync.v1.Error
             * @instance
             */
            Error.prototype.code = "";

            /**
             * Error message.
             * @member {string} message
             * @memberof media_sync.v1.Error
             * @instance
             */
            Error.prototype.message = "";

            /**
             * Error offset.
             * @member {number|null|undefined} offset
             * @memberof media_sync.v1.Error
             * @instance
             */
            Error.prototype.offset = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Error.prototype, "_offset", {
                get: $util.oneOfGetter($oneOfFields = ["offset"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Error instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Error
             * @static
             * @param {media_sync.v1.Error.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Error} Error instance
             * @type {{
             *   (properties: media_sync.v1.Error.$Shape): media_sync.v1.Error & media_sync.v1.Error.$Shape;
             *   (properties?: media_sync.v1.Error.$Properties): media_sync.v1.Error;
             * }}
             */
            Error.create = function(properties) {
                return new Error(properties);
            };

            /**
             * Encodes the specified Error message. Does not implicitly {@link media_sync.v1.Error.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Error
             * @static
             * @param {media_sync.v1.Error.$Properties} message Error message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Error.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.frameId != null && $Object.hasOwnProperty.call(message, "frameId") && message.frameId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.frameId);
                if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.code);
                if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.message);
                if (message.offset != null && $Object.hasOwnProperty.call(message, "offset"))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.offset);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Error message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Error
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Error & media_sync.v1.Error.$Shape} Error
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Error.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Error();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.frameId = value;
                            else
                                delete message.frameId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.code = value;
                            else
                                delete message.code;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.message = value;
                            else
                                delete message.message;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            message.offset = reader.uint32();
                            message._offset = "offset";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Error
             * @function getTypeUrl
             * @memberof media_sync.v1.Error
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Error.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Error";
            };

            return Error;
        })();

        v1.Subscribe = (function() {

            /**
             * Properties of a Subscribe.
             * @typedef {Object} media_sync.v1.Subscribe.$Properties
             * @property {number|null} [since] Subscribe since
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Subscribe.
             * @memberof media_sync.v1
             * @interface ISubscribe
             * @augments media_sync.v1.Subscribe.$Properties
             * @deprecated Use media_sync.v1.Subscribe.$Properties instead.
             */

            /**
             * Shape of a Subscribe.
             * @typedef {media_sync.v1.Subscribe.$Properties} media_sync.v1.Subscribe.$Shape
             */

            /**
             * Constructs a new Subscribe.
             * @memberof media_sync.v1
             * @classdesc Represents a Subscribe.
             * @constructor
             * @param {media_sync.v1.Subscribe.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Subscribe = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Subscribe since.
             * @member {number} since
             * @memberof media_sync.v1.Subscribe
             * @instance
             */
            Subscribe.prototype.since = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Subscribe instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Subscribe
             * @static
             * @param {media_sync.v1.Subscribe.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Subscribe} Subscribe instance
             * @type {{
             *   (properties: media_sync.v1.Subscribe.$Shape): media_sync.v1.Subscribe & media_sync.v1.Subscribe.$Shape;
             *   (properties?: media_sync.v1.Subscribe.$Properties): media_sync.v1.Subscribe;
             * }}
             */
            Subscribe.create = function(properties) {
                return new Subscribe(properties);
            };

            /**
             * Encodes the specified Subscribe message. Does not implicitly {@link media_sync.v1.Subscribe.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Subscribe
             * @static
             * @param {media_sync.v1.Subscribe.$Properties} message Subscribe message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Subscribe.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.since != null && $Object.hasOwnProperty.call(message, "since") && (typeof message.since === "object" ? message.since.low || message.since.high : message.since !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.since);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Subscribe message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Subscribe
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Subscribe & media_sync.v1.Subscribe.$Shape} Subscribe
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Subscribe.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Subscribe();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.since = value;
                            else
                                delete message.since;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Subscribe
             * @function getTypeUrl
             * @memberof media_sync.v1.Subscribe
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Subscribe.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Subscribe";
            };

            return Subscribe;
        })();

        v1.Fanout = (function() {

            /**
             * Properties of a Fanout.
             * @typedef {Object} media_sync.v1.Fanout.$Properties
             * @property {number|null} [cursor] Fanout cursor
             * @property {Uint8Array|null} [frame] Fanout frame
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Fanout.
             * @memberof media_sync.v1
             * @interface IFanout
             * @augments media_sync.v1.Fanout.$Properties
             * @deprecated Use media_sync.v1.Fanout.$Properties instead.
             */

            /**
             * Shape of a Fanout.
             * @typedef {media_sync.v1.Fanout.$Properties} media_sync.v1.Fanout.$Shape
             */

            /**
             * Constructs a new Fanout.
             * @memberof media_sync.v1
             * @classdesc Represents a Fanout.
             * @constructor
             * @param {media_sync.v1.Fanout.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Fanout = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Fanout cursor.
             * @member {number} cursor
             * @memberof media_sync.v1.Fanout
             * @instance
             */
            Fanout.prototype.cursor = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Fanout frame.
             * @member {Uint8Array} frame
             * @memberof media_sync.v1.Fanout
             * @instance
             */
            Fanout.prototype.frame = $util.newBuffer([]);

            /**
             * Creates a new Fanout instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Fanout
             * @static
             * @param {media_sync.v1.Fanout.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Fanout} Fanout instance
             * @type {{
             *   (properties: media_sync.v1.Fanout.$Shape): media_sync.v1.Fanout & media_sync.v1.Fanout.$Shape;
             *   (properties?: media_sync.v1.Fanout.$Properties): media_sync.v1.Fanout;
             * }}
             */
            Fanout.create = function(properties) {
                return new Fanout(properties);
            };

            /**
             * Encodes the specified Fanout message. Does not implicitly {@link media_sync.v1.Fanout.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Fanout
             * @static
             * @param {media_sync.v1.Fanout.$Properties} message Fanout message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Fanout.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.cursor != null && $Object.hasOwnProperty.call(message, "cursor") && (typeof message.cursor === "object" ? message.cursor.low || message.cursor.high : message.cursor !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.cursor);
                if (message.frame != null && $Object.hasOwnProperty.call(message, "frame") && message.frame.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.frame);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Fanout message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Fanout
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Fanout & media_sync.v1.Fanout.$Shape} Fanout
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Fanout.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Fanout();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.cursor = value;
                            else
                                delete message.cursor;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.frame = value;
                            else
                                delete message.frame;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Fanout
             * @function getTypeUrl
             * @memberof media_sync.v1.Fanout
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Fanout.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Fanout";
            };

            return Fanout;
        })();

        v1.CommandDelivery = (function() {

            /**
             * Properties of a CommandDelivery.
             * @typedef {Object} media_sync.v1.CommandDelivery.$Properties
             * @property {number|null} [deliveryId] CommandDelivery deliveryId
             * @property {Uint8Array|null} [frame] CommandDelivery frame
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a CommandDelivery.
             * @memberof media_sync.v1
             * @interface ICommandDelivery
             * @augments media_sync.v1.CommandDelivery.$Properties
             * @deprecated Use media_sync.v1.CommandDelivery.$Properties instead.
             */

            /**
             * Shape of a CommandDelivery.
             * @typedef {media_sync.v1.CommandDelivery.$Properties} media_sync.v1.CommandDelivery.$Shape
             */

            /**
             * Constructs a new CommandDelivery.
             * @memberof media_sync.v1
             * @classdesc Represents a CommandDelivery.
             * @constructor
             * @param {media_sync.v1.CommandDelivery.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const CommandDelivery = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * CommandDelivery deliveryId.
             * @member {number} deliveryId
             * @memberof media_sync.v1.CommandDelivery
             * @instance
             */
            CommandDelivery.prototype.deliveryId = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * CommandDelivery frame.
             * @member {Uint8Array} frame
             * @memberof media_sync.v1.CommandDelivery
             * @instance
             */
            CommandDelivery.prototype.frame = $util.newBuffer([]);

            /**
             * Creates a new CommandDelivery instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.CommandDelivery
             * @static
             * @param {media_sync.v1.CommandDelivery.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.CommandDelivery} CommandDelivery instance
             * @type {{
             *   (properties: media_sync.v1.CommandDelivery.$Shape): media_sync.v1.CommandDelivery & media_sync.v1.CommandDelivery.$Shape;
             *   (properties?: media_sync.v1.CommandDelivery.$Properties): media_sync.v1.CommandDelivery;
             * }}
             */
            CommandDelivery.create = function(properties) {
                return new CommandDelivery(properties);
            };

            /**
             * Encodes the specified CommandDelivery message. Does not implicitly {@link media_sync.v1.CommandDelivery.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.CommandDelivery
             * @static
             * @param {media_sync.v1.CommandDelivery.$Properties} message CommandDelivery message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CommandDelivery.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.deliveryId != null && $Object.hasOwnProperty.call(message, "deliveryId") && (typeof message.deliveryId === "object" ? message.deliveryId.low || message.deliveryId.high : message.deliveryId !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.deliveryId);
                if (message.frame != null && $Object.hasOwnProperty.call(message, "frame") && message.frame.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.frame);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a CommandDelivery message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.CommandDelivery
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.CommandDelivery & media_sync.v1.CommandDelivery.$Shape} CommandDelivery
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CommandDelivery.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.CommandDelivery();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.deliveryId = value;
                            else
                                delete message.deliveryId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.frame = value;
                            else
                                delete message.frame;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for CommandDelivery
             * @function getTypeUrl
             * @memberof media_sync.v1.CommandDelivery
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            CommandDelivery.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.CommandDelivery";
            };

            return CommandDelivery;
        })();

        v1.CommandAck = (function() {

            /**
             * Properties of a CommandAck.
             * @typedef {Object} media_sync.v1.CommandAck.$Properties
             * @property {number|null} [deliveryId] CommandAck deliveryId
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a CommandAck.
             * @memberof media_sync.v1
             * @interface ICommandAck
             * @augments media_sync.v1.CommandAck.$Properties
             * @deprecated Use media_sync.v1.CommandAck.$Properties instead.
             */

            /**
             * Shape of a CommandAck.
             * @typedef {media_sync.v1.CommandAck.$Properties} media_sync.v1.CommandAck.$Shape
             */

            /**
             * Constructs a new CommandAck.
             * @memberof media_sync.v1
             * @classdesc Represents a CommandAck.
             * @constructor
             * @param {media_sync.v1.CommandAck.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const CommandAck = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * CommandAck deliveryId.
             * @member {number} deliveryId
             * @memberof media_sync.v1.CommandAck
             * @instance
             */
            CommandAck.prototype.deliveryId = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new CommandAck instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.CommandAck
             * @static
             * @param {media_sync.v1.CommandAck.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.CommandAck} CommandAck instance
             * @type {{
             *   (properties: media_sync.v1.CommandAck.$Shape): media_sync.v1.CommandAck & media_sync.v1.CommandAck.$Shape;
             *   (properties?: media_sync.v1.CommandAck.$Properties): media_sync.v1.CommandAck;
             * }}
             */
            CommandAck.create = function(properties) {
                return new CommandAck(properties);
            };

            /**
             * Encodes the specified CommandAck message. Does not implicitly {@link media_sync.v1.CommandAck.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.CommandAck
             * @static
             * @param {media_sync.v1.CommandAck.$Properties} message CommandAck message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            CommandAck.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.deliveryId != null && $Object.hasOwnProperty.call(message, "deliveryId") && (typeof message.deliveryId === "object" ? message.deliveryId.low || message.deliveryId.high : message.deliveryId !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.deliveryId);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a CommandAck message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.CommandAck
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.CommandAck & media_sync.v1.CommandAck.$Shape} CommandAck
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            CommandAck.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.CommandAck();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.deliveryId = value;
                            else
                                delete message.deliveryId;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for CommandAck
             * @function getTypeUrl
             * @memberof media_sync.v1.CommandAck
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            CommandAck.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.CommandAck";
            };

            return CommandAck;
        })();

        v1.Synced = (function() {

            /**
             * Properties of a Synced.
             * @typedef {Object} media_sync.v1.Synced.$Properties
             * @property {number|null} [cursor] Synced cursor
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Synced.
             * @memberof media_sync.v1
             * @interface ISynced
             * @augments media_sync.v1.Synced.$Properties
             * @deprecated Use media_sync.v1.Synced.$Properties instead.
             */

            /**
             * Shape of a Synced.
             * @typedef {media_sync.v1.Synced.$Properties} media_sync.v1.Synced.$Shape
             */

            /**
             * Constructs a new Synced.
             * @memberof media_sync.v1
             * @classdesc Represents a Synced.
             * @constructor
             * @param {media_sync.v1.Synced.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Synced = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Synced cursor.
             * @member {number} cursor
             * @memberof media_sync.v1.Synced
             * @instance
             */
            Synced.prototype.cursor = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Synced instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Synced
             * @static
             * @param {media_sync.v1.Synced.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Synced} Synced instance
             * @type {{
             *   (properties: media_sync.v1.Synced.$Shape): media_sync.v1.Synced & media_sync.v1.Synced.$Shape;
             *   (properties?: media_sync.v1.Synced.$Properties): media_sync.v1.Synced;
             * }}
             */
            Synced.create = function(properties) {
                return new Synced(properties);
            };

            /**
             * Encodes the specified Synced message. Does not implicitly {@link media_sync.v1.Synced.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Synced
             * @static
             * @param {media_sync.v1.Synced.$Properties} message Synced message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Synced.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.cursor != null && $Object.hasOwnProperty.call(message, "cursor") && (typeof message.cursor === "object" ? message.cursor.low || message.cursor.high : message.cursor !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.cursor);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Synced message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Synced
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Synced & media_sync.v1.Synced.$Shape} Synced
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Synced.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Synced();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.cursor = value;
                            else
                                delete message.cursor;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Synced
             * @function getTypeUrl
             * @memberof media_sync.v1.Synced
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Synced.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Synced";
            };

            return Synced;
        })();

        v1.Hlc = (function() {

            /**
             * Properties of a Hlc.
             * @typedef {Object} media_sync.v1.Hlc.$Properties
             * @property {number|null} [physicalMs] Hlc physicalMs
             * @property {number|null} [logical] Hlc logical
             * @property {string|null} [nodeId] Hlc nodeId
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Hlc.
             * @memberof media_sync.v1
             * @interface IHlc
             * @augments media_sync.v1.Hlc.$Properties
             * @deprecated Use media_sync.v1.Hlc.$Properties instead.
             */

            /**
             * Shape of a Hlc.
             * @typedef {media_sync.v1.Hlc.$Properties} media_sync.v1.Hlc.$Shape
             */

            /**
             * Constructs a new Hlc.
             * @memberof media_sync.v1
             * @classdesc Represents a Hlc.
             * @constructor
             * @param {media_sync.v1.Hlc.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Hlc = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Hlc physicalMs.
             * @member {number} physicalMs
             * @memberof media_sync.v1.Hlc
             * @instance
             */
            Hlc.prototype.physicalMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Hlc logical.
             * @member {number} logical
             * @memberof media_sync.v1.Hlc
             * @instance
             */
            Hlc.prototype.logical = 0;

            /**
             * Hlc nodeId.
             * @member {string} nodeId
             * @memberof media_sync.v1.Hlc
             * @instance
             */
            Hlc.prototype.nodeId = "";

            /**
             * Creates a new Hlc instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.Hlc
             * @static
             * @param {media_sync.v1.Hlc.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.Hlc} Hlc instance
             * @type {{
             *   (properties: media_sync.v1.Hlc.$Shape): media_sync.v1.Hlc & media_sync.v1.Hlc.$Shape;
             *   (properties?: media_sync.v1.Hlc.$Properties): media_sync.v1.Hlc;
             * }}
             */
            Hlc.create = function(properties) {
                return new Hlc(properties);
            };

            /**
             * Encodes the specified Hlc message. Does not implicitly {@link media_sync.v1.Hlc.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.Hlc
             * @static
             * @param {media_sync.v1.Hlc.$Properties} message Hlc message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Hlc.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.physicalMs != null && $Object.hasOwnProperty.call(message, "physicalMs") && (typeof message.physicalMs === "object" ? message.physicalMs.low || message.physicalMs.high : message.physicalMs !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.physicalMs);
                if (message.logical != null && $Object.hasOwnProperty.call(message, "logical") && message.logical !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.logical);
                if (message.nodeId != null && $Object.hasOwnProperty.call(message, "nodeId") && message.nodeId !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.nodeId);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Hlc message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.Hlc
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.Hlc & media_sync.v1.Hlc.$Shape} Hlc
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Hlc.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.Hlc();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.physicalMs = value;
                            else
                                delete message.physicalMs;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.logical = value;
                            else
                                delete message.logical;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.nodeId = value;
                            else
                                delete message.nodeId;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Hlc
             * @function getTypeUrl
             * @memberof media_sync.v1.Hlc
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Hlc.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.Hlc";
            };

            return Hlc;
        })();

        /**
         * OperationType enum.
         * @name media_sync.v1.OperationType
         * @enum {number}
         * @property {number} OPERATION_TYPE_UNSPECIFIED=0 OPERATION_TYPE_UNSPECIFIED value
         * @property {number} OPERATION_TYPE_WATCHLIST_ADD=1 OPERATION_TYPE_WATCHLIST_ADD value
         * @property {number} OPERATION_TYPE_WATCHLIST_REMOVE=2 OPERATION_TYPE_WATCHLIST_REMOVE value
         * @property {number} OPERATION_TYPE_PROGRESS_UPDATE=3 OPERATION_TYPE_PROGRESS_UPDATE value
         * @property {number} OPERATION_TYPE_DEVICE_COMMAND=4 OPERATION_TYPE_DEVICE_COMMAND value
         */
        v1.OperationType = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "OPERATION_TYPE_UNSPECIFIED"] = 0;
            values[valuesById[1] = "OPERATION_TYPE_WATCHLIST_ADD"] = 1;
            values[valuesById[2] = "OPERATION_TYPE_WATCHLIST_REMOVE"] = 2;
            values[valuesById[3] = "OPERATION_TYPE_PROGRESS_UPDATE"] = 3;
            values[valuesById[4] = "OPERATION_TYPE_DEVICE_COMMAND"] = 4;
            return values;
        })();

        /**
         * PlaybackState enum.
         * @name media_sync.v1.PlaybackState
         * @enum {number}
         * @property {number} PLAYBACK_STATE_UNSPECIFIED=0 PLAYBACK_STATE_UNSPECIFIED value
         * @property {number} PLAYBACK_STATE_PLAYING=1 PLAYBACK_STATE_PLAYING value
         * @property {number} PLAYBACK_STATE_PAUSED=2 PLAYBACK_STATE_PAUSED value
         * @property {number} PLAYBACK_STATE_STOPPED=3 PLAYBACK_STATE_STOPPED value
         * @property {number} PLAYBACK_STATE_COMPLETED=4 PLAYBACK_STATE_COMPLETED value
         */
        v1.PlaybackState = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "PLAYBACK_STATE_UNSPECIFIED"] = 0;
            values[valuesById[1] = "PLAYBACK_STATE_PLAYING"] = 1;
            values[valuesById[2] = "PLAYBACK_STATE_PAUSED"] = 2;
            values[valuesById[3] = "PLAYBACK_STATE_STOPPED"] = 3;
            values[valuesById[4] = "PLAYBACK_STATE_COMPLETED"] = 4;
            return values;
        })();

        v1.WatchlistAdd = (function() {

            /**
             * Properties of a WatchlistAdd.
             * @typedef {Object} media_sync.v1.WatchlistAdd.$Properties
             * @property {string|null} [userId] WatchlistAdd userId
             * @property {string|null} [contentId] WatchlistAdd contentId
             * @property {number|null} [timestamp] WatchlistAdd timestamp
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a WatchlistAdd.
             * @memberof media_sync.v1
             * @interface IWatchlistAdd
             * @augments media_sync.v1.WatchlistAdd.$Properties
             * @deprecated Use media_sync.v1.WatchlistAdd.$Properties instead.
             */

            /**
             * Shape of a WatchlistAdd.
             * @typedef {media_sync.v1.WatchlistAdd.$Properties} media_sync.v1.WatchlistAdd.$Shape
             */

            /**
             * Constructs a new WatchlistAdd.
             * @memberof media_sync.v1
             * @classdesc Represents a WatchlistAdd.
             * @constructor
             * @param {media_sync.v1.WatchlistAdd.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const WatchlistAdd = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * WatchlistAdd userId.
             * @member {string} userId
             * @memberof media_sync.v1.WatchlistAdd
             * @instance
             */
            WatchlistAdd.prototype.userId = "";

            /**
             * WatchlistAdd contentId.
             * @member {string} contentId
             * @memberof media_sync.v1.WatchlistAdd
             * @instance
             */
            WatchlistAdd.prototype.contentId = "";

            /**
             * WatchlistAdd timestamp.
             * @member {number} timestamp
             * @memberof media_sync.v1.WatchlistAdd
             * @instance
             */
            WatchlistAdd.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Creates a new WatchlistAdd instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.WatchlistAdd
             * @static
             * @param {media_sync.v1.WatchlistAdd.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.WatchlistAdd} WatchlistAdd instance
             * @type {{
             *   (properties: media_sync.v1.WatchlistAdd.$Shape): media_sync.v1.WatchlistAdd & media_sync.v1.WatchlistAdd.$Shape;
             *   (properties?: media_sync.v1.WatchlistAdd.$Properties): media_sync.v1.WatchlistAdd;
             * }}
             */
            WatchlistAdd.create = function(properties) {
                return new WatchlistAdd(properties);
            };

            /**
             * Encodes the specified WatchlistAdd message. Does not implicitly {@link media_sync.v1.WatchlistAdd.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.WatchlistAdd
             * @static
             * @param {media_sync.v1.WatchlistAdd.$Properties} message WatchlistAdd message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            WatchlistAdd.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.userId != null && $Object.hasOwnProperty.call(message, "userId") && message.userId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.userId);
                if (message.contentId != null && $Object.hasOwnProperty.call(message, "contentId") && message.contentId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.contentId);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).int64(message.timestamp);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a WatchlistAdd message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.WatchlistAdd
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.WatchlistAdd & media_sync.v1.WatchlistAdd.$Shape} WatchlistAdd
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            WatchlistAdd.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.WatchlistAdd();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.userId = value;
                            else
                                delete message.userId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.contentId = value;
                            else
                                delete message.contentId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestamp = value;
                            else
                                delete message.timestamp;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for WatchlistAdd
             * @function getTypeUrl
             * @memberof media_sync.v1.WatchlistAdd
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            WatchlistAdd.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.WatchlistAdd";
            };

            return WatchlistAdd;
        })();

        v1.WatchlistRemove = (function() {

            /**
             * Properties of a WatchlistRemove.
             * @typedef {Object} media_sync.v1.WatchlistRemove.$Properties
             * @property {string|null} [userId] WatchlistRemove userId
             * @property {string|null} [contentId] WatchlistRemove contentId
             * @property {number|null} [timestamp] WatchlistRemove timestamp
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a WatchlistRemove.
             * @memberof media_sync.v1
             * @interface IWatchlistRemove
             * @augments media_sync.v1.WatchlistRemove.$Properties
             * @deprecated Use media_sync.v1.WatchlistRemove.$Properties instead.
             */

            /**
             * Shape of a WatchlistRemove.
             * @typedef {media_sync.v1.WatchlistRemove.$Properties} media_sync.v1.WatchlistRemove.$Shape
             */

            /**
             * Constructs a new WatchlistRemove.
             * @memberof media_sync.v1
             * @classdesc Represents a WatchlistRemove.
             * @constructor
             * @param {media_sync.v1.WatchlistRemove.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const WatchlistRemove = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * WatchlistRemove userId.
             * @member {string} userId
             * @memberof media_sync.v1.WatchlistRemove
             * @instance
             */
            WatchlistRemove.prototype.userId = "";

            /**
             * WatchlistRemove contentId.
             * @member {string} contentId
             * @memberof media_sync.v1.WatchlistRemove
             * @instance
             */
            WatchlistRemove.prototype.contentId = "";

            /**
             * WatchlistRemove timestamp.
             * @member {number} timestamp
             * @memberof media_sync.v1.WatchlistRemove
             * @instance
             */
            WatchlistRemove.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * Creates a new WatchlistRemove instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.WatchlistRemove
             * @static
             * @param {media_sync.v1.WatchlistRemove.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.WatchlistRemove} WatchlistRemove instance
             * @type {{
             *   (properties: media_sync.v1.WatchlistRemove.$Shape): media_sync.v1.WatchlistRemove & media_sync.v1.WatchlistRemove.$Shape;
             *   (properties?: media_sync.v1.WatchlistRemove.$Properties): media_sync.v1.WatchlistRemove;
             * }}
             */
            WatchlistRemove.create = function(properties) {
                return new WatchlistRemove(properties);
            };

            /**
             * Encodes the specified WatchlistRemove message. Does not implicitly {@link media_sync.v1.WatchlistRemove.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.WatchlistRemove
             * @static
             * @param {media_sync.v1.WatchlistRemove.$Properties} message WatchlistRemove message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            WatchlistRemove.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.userId != null && $Object.hasOwnProperty.call(message, "userId") && message.userId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.userId);
                if (message.contentId != null && $Object.hasOwnProperty.call(message, "contentId") && message.contentId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.contentId);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).int64(message.timestamp);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a WatchlistRemove message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.WatchlistRemove
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.WatchlistRemove & media_sync.v1.WatchlistRemove.$Shape} WatchlistRemove
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            WatchlistRemove.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.WatchlistRemove();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.userId = value;
                            else
                                delete message.userId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.contentId = value;
                            else
                                delete message.contentId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestamp = value;
                            else
                                delete message.timestamp;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for WatchlistRemove
             * @function getTypeUrl
             * @memberof media_sync.v1.WatchlistRemove
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            WatchlistRemove.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.WatchlistRemove";
            };

            return WatchlistRemove;
        })();

        v1.ProgressUpdate = (function() {

            /**
             * Properties of a ProgressUpdate.
             * @typedef {Object} media_sync.v1.ProgressUpdate.$Properties
             * @property {string|null} [userId] ProgressUpdate userId
             * @property {string|null} [contentId] ProgressUpdate contentId
             * @property {number|null} [positionMs] ProgressUpdate positionMs
             * @property {number|null} [durationMs] ProgressUpdate durationMs
             * @property {media_sync.v1.PlaybackState|null} [state] ProgressUpdate state
             * @property {number|null} [timestamp] ProgressUpdate timestamp
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a ProgressUpdate.
             * @memberof media_sync.v1
             * @interface IProgressUpdate
             * @augments media_sync.v1.ProgressUpdate.$Properties
             * @deprecated Use media_sync.v1.ProgressUpdate.$Properties instead.
             */

            /**
             * Shape of a ProgressUpdate.
             * @typedef {media_sync.v1.ProgressUpdate.$Properties} media_sync.v1.ProgressUpdate.$Shape
             */

            /**
             * Constructs a new ProgressUpdate.
             * @memberof media_sync.v1
             * @classdesc Represents a ProgressUpdate.
             * @constructor
             * @param {media_sync.v1.ProgressUpdate.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ProgressUpdate = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * ProgressUpdate userId.
             * @member {string} userId
             * @memberof media_sync.v1.ProgressUpdate
             * @instance
             */
            ProgressUpdate.prototype.userId = "";

            /**
             * ProgressUpdate contentId.
             * @member {string} contentId
             * @memberof media_sync.v1.ProgressUpdate
             * @instance
             */
            ProgressUpdate.prototype.contentId = "";

            /**
             * ProgressUpdate positionMs.
             * @member {number} positionMs
             * @memberof media_sync.v1.ProgressUpdate
             * @instance
             */
            ProgressUpdate.prototype.positionMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ProgressUpdate durationMs.
             * @member {number|null|undefined} durationMs
             * @memberof media_sync.v1.ProgressUpdate
             * @instance
             */
            ProgressUpdate.prototype.durationMs = null;

            /**
             * ProgressUpdate state.
             * @member {media_sync.v1.PlaybackState} state
             * @memberof media_sync.v1.ProgressUpdate
             * @instance
             */
            ProgressUpdate.prototype.state = 0;

            /**
             * ProgressUpdate timestamp.
             * @member {number} timestamp
             * @memberof media_sync.v1.ProgressUpdate
             * @instance
             */
            ProgressUpdate.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(ProgressUpdate.prototype, "_durationMs", {
                get: $util.oneOfGetter($oneOfFields = ["durationMs"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new ProgressUpdate instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.ProgressUpdate
             * @static
             * @param {media_sync.v1.ProgressUpdate.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.ProgressUpdate} ProgressUpdate instance
             * @type {{
             *   (properties: media_sync.v1.ProgressUpdate.$Shape): media_sync.v1.ProgressUpdate & media_sync.v1.ProgressUpdate.$Shape;
             *   (properties?: media_sync.v1.ProgressUpdate.$Properties): media_sync.v1.ProgressUpdate;
             * }}
             */
            ProgressUpdate.create = function(properties) {
                return new ProgressUpdate(properties);
            };

            /**
             * Encodes the specified ProgressUpdate message. Does not implicitly {@link media_sync.v1.ProgressUpdate.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.ProgressUpdate
             * @static
             * @param {media_sync.v1.ProgressUpdate.$Properties} message ProgressUpdate message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ProgressUpdate.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.userId != null && $Object.hasOwnProperty.call(message, "userId") && message.userId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.userId);
                if (message.contentId != null && $Object.hasOwnProperty.call(message, "contentId") && message.contentId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.contentId);
                if (message.positionMs != null && $Object.hasOwnProperty.call(message, "positionMs") && (typeof message.positionMs === "object" ? message.positionMs.low || message.positionMs.high : message.positionMs !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.positionMs);
                if (message.durationMs != null && $Object.hasOwnProperty.call(message, "durationMs"))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.durationMs);
                if (message.state != null && $Object.hasOwnProperty.call(message, "state") && message.state !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).int32(message.state);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                    writer.uint32(/* id 6, wireType 0 =*/48).int64(message.timestamp);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a ProgressUpdate message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.ProgressUpdate
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.ProgressUpdate & media_sync.v1.ProgressUpdate.$Shape} ProgressUpdate
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ProgressUpdate.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.ProgressUpdate();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.userId = value;
                            else
                                delete message.userId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.contentId = value;
                            else
                                delete message.contentId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.positionMs = value;
                            else
                                delete message.positionMs;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            message.durationMs = reader.uint64();
                            message._durationMs = "durationMs";
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.state = value;
                            else
                                delete message.state;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestamp = value;
                            else
                                delete message.timestamp;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for ProgressUpdate
             * @function getTypeUrl
             * @memberof media_sync.v1.ProgressUpdate
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            ProgressUpdate.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.ProgressUpdate";
            };

            return ProgressUpdate;
        })();

        v1.DeviceCommand = (function() {

            /**
             * Properties of a DeviceCommand.
             * @typedef {Object} media_sync.v1.DeviceCommand.$Properties
             * @property {string|null} [commandId] DeviceCommand commandId
             * @property {string|null} [sourceDeviceId] DeviceCommand sourceDeviceId
             * @property {string|null} [targetDeviceId] DeviceCommand targetDeviceId
             * @property {string|null} [commandType] DeviceCommand commandType
             * @property {string|null} [payloadJson] DeviceCommand payloadJson
             * @property {number|null} [timestamp] DeviceCommand timestamp
             * @property {number|null} [expiresAt] DeviceCommand expiresAt
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a DeviceCommand.
             * @memberof media_sync.v1
             * @interface IDeviceCommand
             * @augments media_sync.v1.DeviceCommand.$Properties
             * @deprecated Use media_sync.v1.DeviceCommand.$Properties instead.
             */

            /**
             * Shape of a DeviceCommand.
             * @typedef {media_sync.v1.DeviceCommand.$Properties} media_sync.v1.DeviceCommand.$Shape
             */

            /**
             * Constructs a new DeviceCommand.
             * @memberof media_sync.v1
             * @classdesc Represents a DeviceCommand.
             * @constructor
             * @param {media_sync.v1.DeviceCommand.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const DeviceCommand = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * DeviceCommand commandId.
             * @member {string} commandId
             * @memberof media_sync.v1.DeviceCommand
             * @instance
             */
            DeviceCommand.prototype.commandId = "";

            /**
             * DeviceCommand sourceDeviceId.
             * @member {string} sourceDeviceId
             * @memberof media_sync.v1.DeviceCommand
             * @instance
             */
            DeviceCommand.prototype.sourceDeviceId = "";

            /**
             * DeviceCommand targetDeviceId.
             * @member {string} targetDeviceId
             * @memberof media_sync.v1.DeviceCommand
             * @instance
             */
            DeviceCommand.prototype.targetDeviceId = "";

            /**
             * DeviceCommand commandType.
             * @member {string} commandType
             * @memberof media_sync.v1.DeviceCommand
             * @instance
             */
            DeviceCommand.prototype.commandType = "";

            /**
             * DeviceCommand payloadJson.
             * @member {string} payloadJson
             * @memberof media_sync.v1.DeviceCommand
             * @instance
             */
            DeviceCommand.prototype.payloadJson = "";

            /**
             * DeviceCommand timestamp.
             * @member {number} timestamp
             * @memberof media_sync.v1.DeviceCommand
             * @instance
             */
            DeviceCommand.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            /**
             * DeviceCommand expiresAt.
             * @member {number|null|undefined} expiresAt
             * @memberof media_sync.v1.DeviceCommand
             * @instance
             */
            DeviceCommand.prototype.expiresAt = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(DeviceCommand.prototype, "_expiresAt", {
                get: $util.oneOfGetter($oneOfFields = ["expiresAt"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new DeviceCommand instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.DeviceCommand
             * @static
             * @param {media_sync.v1.DeviceCommand.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.DeviceCommand} DeviceCommand instance
             * @type {{
             *   (properties: media_sync.v1.DeviceCommand.$Shape): media_sync.v1.DeviceCommand & media_sync.v1.DeviceCommand.$Shape;
             *   (properties?: media_sync.v1.DeviceCommand.$Properties): media_sync.v1.DeviceCommand;
             * }}
             */
            DeviceCommand.create = function(properties) {
                return new DeviceCommand(properties);
            };

            /**
             * Encodes the specified DeviceCommand message. Does not implicitly {@link media_sync.v1.DeviceCommand.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.DeviceCommand
             * @static
             * @param {media_sync.v1.DeviceCommand.$Properties} message DeviceCommand message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DeviceCommand.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.commandId != null && $Object.hasOwnProperty.call(message, "commandId") && message.commandId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.commandId);
                if (message.sourceDeviceId != null && $Object.hasOwnProperty.call(message, "sourceDeviceId") && message.sourceDeviceId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.sourceDeviceId);
                if (message.targetDeviceId != null && $Object.hasOwnProperty.call(message, "targetDeviceId") && message.targetDeviceId !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.targetDeviceId);
                if (message.commandType != null && $Object.hasOwnProperty.call(message, "commandType") && message.commandType !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.commandType);
                if (message.payloadJson != null && $Object.hasOwnProperty.call(message, "payloadJson") && message.payloadJson !== "")
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.payloadJson);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                    writer.uint32(/* id 6, wireType 0 =*/48).int64(message.timestamp);
                if (message.expiresAt != null && $Object.hasOwnProperty.call(message, "expiresAt"))
                    writer.uint32(/* id 7, wireType 0 =*/56).int64(message.expiresAt);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a DeviceCommand message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.DeviceCommand
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.DeviceCommand & media_sync.v1.DeviceCommand.$Shape} DeviceCommand
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DeviceCommand.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.DeviceCommand();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.commandId = value;
                            else
                                delete message.commandId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.sourceDeviceId = value;
                            else
                                delete message.sourceDeviceId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.targetDeviceId = value;
                            else
                                delete message.targetDeviceId;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.commandType = value;
                            else
                                delete message.commandType;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.payloadJson = value;
                            else
                                delete message.payloadJson;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.int64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestamp = value;
                            else
                                delete message.timestamp;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            message.expiresAt = reader.int64();
                            message._expiresAt = "expiresAt";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for DeviceCommand
             * @function getTypeUrl
             * @memberof media_sync.v1.DeviceCommand
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            DeviceCommand.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.DeviceCommand";
            };

            return DeviceCommand;
        })();

        v1.SyncMessage = (function() {

            /**
             * Properties of a SyncMessage.
             * @typedef {Object} media_sync.v1.SyncMessage.$Properties
             * @property {string|null} [messageId] SyncMessage messageId
             * @property {string|null} [deviceId] SyncMessage deviceId
             * @property {string|null} [userId] SyncMessage userId
             * @property {media_sync.v1.Hlc.$Properties|null} [hlc] SyncMessage hlc
             * @property {media_sync.v1.OperationType|null} [operationType] SyncMessage operationType
             * @property {number|null} [seq] SyncMessage seq
             * @property {media_sync.v1.WatchlistAdd.$Properties|null} [watchlistAdd] SyncMessage watchlistAdd
             * @property {media_sync.v1.WatchlistRemove.$Properties|null} [watchlistRemove] SyncMessage watchlistRemove
             * @property {media_sync.v1.ProgressUpdate.$Properties|null} [progressUpdate] SyncMessage progressUpdate
             * @property {media_sync.v1.DeviceCommand.$Properties|null} [deviceCommand] SyncMessage deviceCommand
             * @property {"watchlistAdd"|"watchlistRemove"|"progressUpdate"|"deviceCommand"} [payload] SyncMessage payload
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SyncMessage.
             * @memberof media_sync.v1
             * @interface ISyncMessage
             * @augments media_sync.v1.SyncMessage.$Properties
             * @deprecated Use media_sync.v1.SyncMessage.$Properties instead.
             */

            /**
             * Narrowed shape of a SyncMessage.
             * @typedef {{
             *   messageId?: string|null;
             *   deviceId?: string|null;
             *   userId?: string|null;
             *   hlc?: media_sync.v1.Hlc.$Shape|null;
             *   operationType?: media_sync.v1.OperationType|null;
             *   seq?: number|null;
             *   watchlistAdd?: media_sync.v1.WatchlistAdd.$Shape|null;
             *   watchlistRemove?: media_sync.v1.WatchlistRemove.$Shape|null;
             *   progressUpdate?: media_sync.v1.ProgressUpdate.$Shape|null;
             *   deviceCommand?: media_sync.v1.DeviceCommand.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ payload?: undefined; watchlistAdd?: null; watchlistRemove?: null; progressUpdate?: null; deviceCommand?: null }|{ payload?: "watchlistAdd"; watchlistAdd: media_sync.v1.WatchlistAdd.$Shape; watchlistRemove?: null; progressUpdate?: null; deviceCommand?: null }|{ payload?: "watchlistRemove"; watchlistAdd?: null; watchlistRemove: media_sync.v1.WatchlistRemove.$Shape; progressUpdate?: null; deviceCommand?: null }|{ payload?: "progressUpdate"; watchlistAdd?: null; watchlistRemove?: null; progressUpdate: media_sync.v1.ProgressUpdate.$Shape; deviceCommand?: null }|{ payload?: "deviceCommand"; watchlistAdd?: null; watchlistRemove?: null; progressUpdate?: null; deviceCommand: media_sync.v1.DeviceCommand.$Shape })
             * )} media_sync.v1.SyncMessage.$Shape
             */

            /**
             * Constructs a new SyncMessage.
             * @memberof media_sync.v1
             * @classdesc Represents a SyncMessage.
             * @constructor
             * @param {media_sync.v1.SyncMessage.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SyncMessage = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SyncMessage messageId.
             * @member {string} messageId
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.messageId = "";

            /**
             * SyncMessage deviceId.
             * @member {string} deviceId
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.deviceId = "";

            /**
             * SyncMessage userId.
             * @member {string} userId
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.userId = "";

            /**
             * SyncMessage hlc.
             * @member {media_sync.v1.Hlc.$Properties|null|undefined} hlc
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.hlc = null;

            /**
             * SyncMessage operationType.
             * @member {media_sync.v1.OperationType} operationType
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.operationType = 0;

            /**
             * SyncMessage seq.
             * @member {number} seq
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SyncMessage watchlistAdd.
             * @member {media_sync.v1.WatchlistAdd.$Properties|null|undefined} watchlistAdd
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.watchlistAdd = null;

            /**
             * SyncMessage watchlistRemove.
             * @member {media_sync.v1.WatchlistRemove.$Properties|null|undefined} watchlistRemove
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.watchlistRemove = null;

            /**
             * SyncMessage progressUpdate.
             * @member {media_sync.v1.ProgressUpdate.$Properties|null|undefined} progressUpdate
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.progressUpdate = null;

            /**
             * SyncMessage deviceCommand.
             * @member {media_sync.v1.DeviceCommand.$Properties|null|undefined} deviceCommand
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            SyncMessage.prototype.deviceCommand = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * SyncMessage payload.
             * @member {"watchlistAdd"|"watchlistRemove"|"progressUpdate"|"deviceCommand"|undefined} payload
             * @memberof media_sync.v1.SyncMessage
             * @instance
             */
            $Object.defineProperty(SyncMessage.prototype, "payload", {
                get: $util.oneOfGetter($oneOfFields = ["watchlistAdd", "watchlistRemove", "progressUpdate", "deviceCommand"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new SyncMessage instance using the specified properties.
             * @function create
             * @memberof media_sync.v1.SyncMessage
             * @static
             * @param {media_sync.v1.SyncMessage.$Properties=} [properties] Properties to set
             * @returns {media_sync.v1.SyncMessage} SyncMessage instance
             * @type {{
             *   (properties: media_sync.v1.SyncMessage.$Shape): media_sync.v1.SyncMessage & media_sync.v1.SyncMessage.$Shape;
             *   (properties?: media_sync.v1.SyncMessage.$Properties): media_sync.v1.SyncMessage;
             * }}
             */
            SyncMessage.create = function(properties) {
                return new SyncMessage(properties);
            };

            /**
             * Encodes the specified SyncMessage message. Does not implicitly {@link media_sync.v1.SyncMessage.verify|verify} messages.
             * @function encode
             * @memberof media_sync.v1.SyncMessage
             * @static
             * @param {media_sync.v1.SyncMessage.$Properties} message SyncMessage message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SyncMessage.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.messageId != null && $Object.hasOwnProperty.call(message, "messageId") && message.messageId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.messageId);
                if (message.deviceId != null && $Object.hasOwnProperty.call(message, "deviceId") && message.deviceId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.deviceId);
                if (message.userId != null && $Object.hasOwnProperty.call(message, "userId") && message.userId !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.userId);
                if (message.hlc != null && $Object.hasOwnProperty.call(message, "hlc"))
                    $root.media_sync.v1.Hlc.encode(message.hlc, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.operationType != null && $Object.hasOwnProperty.call(message, "operationType") && message.operationType !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).int32(message.operationType);
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && (typeof message.seq === "object" ? message.seq.low || message.seq.high : message.seq !== 0))
                    writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.seq);
                if (message.watchlistAdd != null && $Object.hasOwnProperty.call(message, "watchlistAdd"))
                    $root.media_sync.v1.WatchlistAdd.encode(message.watchlistAdd, writer.uint32(/* id 10, wireType 2 =*/82).fork(), _depth + 1).ldelim();
                if (message.watchlistRemove != null && $Object.hasOwnProperty.call(message, "watchlistRemove"))
                    $root.media_sync.v1.WatchlistRemove.encode(message.watchlistRemove, writer.uint32(/* id 11, wireType 2 =*/90).fork(), _depth + 1).ldelim();
                if (message.progressUpdate != null && $Object.hasOwnProperty.call(message, "progressUpdate"))
                    $root.media_sync.v1.ProgressUpdate.encode(message.progressUpdate, writer.uint32(/* id 12, wireType 2 =*/98).fork(), _depth + 1).ldelim();
                if (message.deviceCommand != null && $Object.hasOwnProperty.call(message, "deviceCommand"))
                    $root.media_sync.v1.DeviceCommand.encode(message.deviceCommand, writer.uint32(/* id 13, wireType 2 =*/106).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SyncMessage message from the specified reader or buffer.
             * @function decode
             * @memberof media_sync.v1.SyncMessage
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {media_sync.v1.SyncMessage & media_sync.v1.SyncMessage.$Shape} SyncMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SyncMessage.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.media_sync.v1.SyncMessage();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.messageId = value;
                            else
                                delete message.messageId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.deviceId = value;
                            else
                                delete message.deviceId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.userId = value;
                            else
                                delete message.userId;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            message.hlc = $root.media_sync.v1.Hlc.decode(reader, reader.size(), $undefined, _depth + 1, message.hlc);
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.operationType = value;
                            else
                                delete message.operationType;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            message.watchlistAdd = $root.media_sync.v1.WatchlistAdd.decode(reader, reader.size(), $undefined, _depth + 1, message.watchlistAdd);
                            message.payload = "watchlistAdd";
                            continue;
                        }
                    case 11: {
                            if (wireType !== 2)
                                break;
                            message.watchlistRemove = $root.media_sync.v1.WatchlistRemove.decode(reader, reader.size(), $undefined, _depth + 1, message.watchlistRemove);
                            message.payload = "watchlistRemove";
                            continue;
                        }
                    case 12: {
                            if (wireType !== 2)
                                break;
                            message.progressUpdate = $root.media_sync.v1.ProgressUpdate.decode(reader, reader.size(), $undefined, _depth + 1, message.progressUpdate);
                            message.payload = "progressUpdate";
                            continue;
                        }
                    case 13: {
                            if (wireType !== 2)
                                break;
                            message.deviceCommand = $root.media_sync.v1.DeviceCommand.decode(reader, reader.size(), $undefined, _depth + 1, message.deviceCommand);
                            message.payload = "deviceCommand";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SyncMessage
             * @function getTypeUrl
             * @memberof media_sync.v1.SyncMessage
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SyncMessage.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/media_sync.v1.SyncMessage";
            };

            return SyncMessage;
        })();

        return v1;
    })();

    return media_sync;
})();

export {
  $root as default
};
