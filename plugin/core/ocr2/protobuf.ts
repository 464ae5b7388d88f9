/**
 * The protobuf schemas OCR2 puts on chain (inside offchainConfig) and signs off chain, declared
 * as descriptors at run time and encoded by @bufbuild/protobuf. Declaring them here instead of
 * generating code keeps the build free of a protoc step; the field numbers, types and package
 * names are libocr's (ocr2-spec §3.8, §3.9), so the bytes are what Chainlink nodes read.
 *
 * Callers never see the library's message objects: each codec module converts between these
 * plain field records and its own typed values.
 */
import { type DescMessage, type Message, create, createFileRegistry, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";

interface FieldSpec {
  readonly name: string;
  readonly number: number;
  readonly type: Type;
  readonly repeated?: boolean;
  /** proto3 `optional`: presence is tracked, absent differs from zero. */
  readonly optional?: boolean;
  /** Fully qualified message type name of a TYPE_MESSAGE field. */
  readonly typeName?: string;
}

function messageDescriptor(name: string, fields: readonly FieldSpec[]) {
  const optionalFields = fields.filter((f) => f.optional);
  return {
    name,
    field: fields.map((f) => ({
      name: f.name,
      number: f.number,
      type: f.type,
      label: f.repeated ? Label.REPEATED : Label.OPTIONAL,
      ...(f.typeName !== undefined ? { typeName: f.typeName } : {}),
      // proto3 optional fields live in a synthetic oneof named after the field.
      ...(f.optional ? { proto3Optional: true, oneofIndex: optionalFields.indexOf(f) } : {}),
    })),
    oneofDecl: optionalFields.map((f) => ({ name: `_${f.name}` })),
  };
}

const OFFCHAIN_CONFIG_PACKAGE = "offchainreporting2_config";
const MEDIAN_PACKAGE = "offchainreporting2";

const offchainConfigFile = create(FileDescriptorProtoSchema, {
  name: "offchainreporting2_offchain_config.proto",
  package: OFFCHAIN_CONFIG_PACKAGE,
  syntax: "proto3",
  messageType: [
    messageDescriptor("OffchainConfigProto", [
      { name: "delta_progress_nanoseconds", number: 1, type: Type.UINT64 },
      { name: "delta_resend_nanoseconds", number: 2, type: Type.UINT64 },
      { name: "delta_round_nanoseconds", number: 3, type: Type.UINT64 },
      { name: "delta_grace_nanoseconds", number: 4, type: Type.UINT64 },
      { name: "delta_stage_nanoseconds", number: 5, type: Type.UINT64 },
      { name: "r_max", number: 6, type: Type.UINT32 },
      { name: "s", number: 7, type: Type.UINT32, repeated: true },
      { name: "offchain_public_keys", number: 8, type: Type.BYTES, repeated: true },
      { name: "peer_ids", number: 9, type: Type.STRING, repeated: true },
      { name: "reporting_plugin_config", number: 10, type: Type.BYTES },
      { name: "max_duration_query_nanoseconds", number: 11, type: Type.UINT64 },
      { name: "max_duration_observation_nanoseconds", number: 12, type: Type.UINT64 },
      { name: "max_duration_report_nanoseconds", number: 13, type: Type.UINT64 },
      { name: "max_duration_should_accept_finalized_report_nanoseconds", number: 14, type: Type.UINT64 },
      { name: "max_duration_should_transmit_accepted_report_nanoseconds", number: 15, type: Type.UINT64 },
      {
        name: "shared_secret_encryptions",
        number: 16,
        type: Type.MESSAGE,
        typeName: `.${OFFCHAIN_CONFIG_PACKAGE}.SharedSecretEncryptionsProto`,
      },
      { name: "max_duration_initialization_nanoseconds", number: 17, type: Type.UINT64, optional: true },
    ]),
    messageDescriptor("SharedSecretEncryptionsProto", [
      { name: "diffieHellmanPoint", number: 1, type: Type.BYTES },
      { name: "sharedSecretHash", number: 2, type: Type.BYTES },
      { name: "encryptions", number: 3, type: Type.BYTES, repeated: true },
    ]),
  ],
});

const medianFile = create(FileDescriptorProtoSchema, {
  name: "numerical_median.proto",
  package: MEDIAN_PACKAGE,
  syntax: "proto3",
  messageType: [
    messageDescriptor("NumericalMedianConfigProto", [
      { name: "alpha_report_infinite", number: 1, type: Type.BOOL },
      { name: "alpha_report_ppb", number: 2, type: Type.UINT64 },
      { name: "alpha_accept_infinite", number: 3, type: Type.BOOL },
      { name: "alpha_accept_ppb", number: 4, type: Type.UINT64 },
      { name: "delta_c_nanoseconds", number: 5, type: Type.UINT64 },
    ]),
    messageDescriptor("NumericalMedianObservationProto", [
      { name: "timestamp", number: 1, type: Type.UINT32 },
      { name: "value", number: 2, type: Type.BYTES },
      { name: "juelsPerFeeCoin", number: 3, type: Type.BYTES },
      { name: "gasPriceSubunits", number: 4, type: Type.BYTES },
    ]),
  ],
});

const offchainConfigRegistry = createFileRegistry(offchainConfigFile, () => undefined);
const medianRegistry = createFileRegistry(medianFile, () => undefined);

function messageOf(registry: ReturnType<typeof createFileRegistry>, typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (desc === undefined) throw new Error(`protobuf schema ${typeName} is missing (a bug in protobuf.ts)`);
  return desc;
}

export const OFFCHAIN_CONFIG_PROTO = messageOf(offchainConfigRegistry, `${OFFCHAIN_CONFIG_PACKAGE}.OffchainConfigProto`);
export const NUMERICAL_MEDIAN_CONFIG_PROTO = messageOf(medianRegistry, `${MEDIAN_PACKAGE}.NumericalMedianConfigProto`);
export const NUMERICAL_MEDIAN_OBSERVATION_PROTO = messageOf(medianRegistry, `${MEDIAN_PACKAGE}.NumericalMedianObservationProto`);

/** Field records as the library presents them: proto names in lowerCamelCase, uint64 as bigint. */
export interface OffchainConfigFields {
  deltaProgressNanoseconds: bigint;
  deltaResendNanoseconds: bigint;
  deltaRoundNanoseconds: bigint;
  deltaGraceNanoseconds: bigint;
  deltaStageNanoseconds: bigint;
  rMax: number;
  s: number[];
  offchainPublicKeys: Uint8Array[];
  peerIds: string[];
  reportingPluginConfig: Uint8Array;
  maxDurationQueryNanoseconds: bigint;
  maxDurationObservationNanoseconds: bigint;
  maxDurationReportNanoseconds: bigint;
  maxDurationShouldAcceptFinalizedReportNanoseconds: bigint;
  maxDurationShouldTransmitAcceptedReportNanoseconds: bigint;
  sharedSecretEncryptions?: { diffieHellmanPoint: Uint8Array; sharedSecretHash: Uint8Array; encryptions: Uint8Array[] };
  maxDurationInitializationNanoseconds?: bigint;
}

export interface NumericalMedianConfigFields {
  alphaReportInfinite: boolean;
  alphaReportPpb: bigint;
  alphaAcceptInfinite: boolean;
  alphaAcceptPpb: bigint;
  deltaCNanoseconds: bigint;
}

export interface NumericalMedianObservationFields {
  timestamp: number;
  value: Uint8Array;
  juelsPerFeeCoin: Uint8Array;
  gasPriceSubunits: Uint8Array;
}

/** Encode `fields` as message `desc`. Go's encoder order (by field number, zero scalars omitted) results. */
export function encodeProto<Fields extends object>(desc: DescMessage, fields: Fields): Uint8Array {
  const message = create(desc, fields as unknown as Parameters<typeof create>[1]);
  return toBinary(desc, message);
}

/**
 * Decode `bytes` as message `desc`. Malformed input throws the library's error, which callers
 * wrap with what they were decoding. Unknown fields are ignored, as Go's proto3 decoder does.
 */
export function decodeProto<Fields extends object>(desc: DescMessage, bytes: Uint8Array): Fields {
  const message: Message = fromBinary(desc, bytes, { readUnknownFields: false });
  return message as unknown as Fields;
}
