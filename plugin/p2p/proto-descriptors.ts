/**
 * Building blocks for the wire schemas (OCR1's and OCR2's) as protobuf descriptors, built at load
 * time with @bufbuild/protobuf's runtime API: no code generator and no .proto file to compile.
 * Each schema module lists its messages with these helpers and looks its types up by name.
 */
import { create, createFileRegistry, type Message, type MessageInitShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import {
  type DescriptorProtoSchema,
  type FieldDescriptorProtoSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";

type FieldInit = MessageInitShape<typeof FieldDescriptorProtoSchema>;
export type MessageInit = MessageInitShape<typeof DescriptorProtoSchema>;

const { UINT64, UINT32, BOOL, BYTES, MESSAGE } = FieldDescriptorProto_Type;
const { OPTIONAL, REPEATED } = FieldDescriptorProto_Label;

/** Field constructors for messages of protobuf package `pkg` (names kept exactly as given). */
export function fieldsOf(pkg: string) {
  const field = (name: string, number: number, type: FieldDescriptorProto_Type, extra: FieldInit = {}): FieldInit => ({
    name,
    number,
    type,
    label: OPTIONAL,
    jsonName: name,
    ...extra,
  });
  const message = (name: string, number: number, typeName: string) => field(name, number, MESSAGE, { typeName: `.${pkg}.${typeName}` });
  return {
    uint64: (name: string, number: number) => field(name, number, UINT64),
    uint32: (name: string, number: number) => field(name, number, UINT32),
    bool: (name: string, number: number) => field(name, number, BOOL),
    bytes: (name: string, number: number) => field(name, number, BYTES),
    repeatedBytes: (name: string, number: number) => field(name, number, BYTES, { label: REPEATED }),
    message,
    repeatedMessage: (name: string, number: number, typeName: string) => ({ ...message(name, number, typeName), label: REPEATED }),
    /** A member of a message's first oneof (index 0). */
    oneofMessage: (name: string, number: number, typeName: string) => ({ ...message(name, number, typeName), oneofIndex: 0 }),
  };
}

/**
 * A `MessageWrapper` whose oneof `msg` holds exactly one of `members` ([field name, message
 * type] pairs), numbered from `firstNumber` in the order given.
 */
export function wrapperMessage(pkg: string, members: readonly (readonly [string, string])[], firstNumber: number): MessageInit {
  const { oneofMessage } = fieldsOf(pkg);
  return { name: "MessageWrapper", field: members.map(([name, typeName], i) => oneofMessage(name, firstNumber + i, typeName)), oneofDecl: [{ name: "msg" }] };
}

/** A proto3 file of `messages` in package `pkg`, and a typed lookup of its message schemas. */
export function protoFile(fileName: string, pkg: string, messages: MessageInit[]) {
  const descriptor = create(FileDescriptorProtoSchema, { name: fileName, package: pkg, syntax: "proto3", messageType: messages });
  const registry = createFileRegistry(descriptor, () => undefined);
  const schema = <T extends Message>(name: string): GenMessage<T> => {
    const desc = registry.getMessage(`${pkg}.${name}`);
    if (desc === undefined) throw new Error(`internal: ${fileName} has no message ${name}`);
    return desc as GenMessage<T>;
  };
  return { descriptor, schema };
}
