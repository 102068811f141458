// The compiled form of the resource specification: what tools/compile_spec.cpp writes at build
// time from src/spec/data/spec.jsonl (whose JSON it parses and checks) and src/spec/spec.cpp
// decodes, one resource type on its first lookup. Decoding reads no JSON and copies no text:
// every name, value and documentation is a view into the compiled bytes.
//
// Numbers are LEB128 varints. A text is its length, then its bytes (unescaped). A documentation
// is an offset and a length into kDocs, a pool apart from the structure, so that decoding a type
// touches only its structure's pages (the documentation is most of the data, and only the
// language server's hover reads it).
//
// kIndex: the source stamp (a text), the number of types, then for each type, sorted by name:
// its name (a text), its block's offset and length in kBlocks.
// A block: the type's documentation, SAM (0/1), the number N of property types, N times their
// name (a text) and documentation, N times their properties and groups, then the resource's
// properties and groups, and its attributes (a count, then name and shape each; sorted by name).
// Properties: a count, then name, shape, required (0/1) and documentation each; sorted by name.
// Groups (PropertySet::required_any): a count, then for each a count of sets, for each set a
// count of names and the names.
// A shape: its spec::Kind, its ShapeFlags, then as flagged: the element's shape; the object
// (0: Tag, i + 1: the block's property type i); the alternatives (a count, then shapes); the
// constraints: allowed values (a count, then texts), the pattern (a text), its ConstraintFlags,
// then each value present, in the flags' order (doubles as their 8 bytes, little-endian).
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>

#include "spec/spec.h"

namespace stacklint::spec::compiled {

enum ShapeFlags : uint8_t {
  kElement = 1,
  kObject = 2,
  kAlternatives = 4,
  kConstraints = 8,
};

enum ConstraintFlags : uint8_t {
  kMinimum = 1,
  kMaximum = 2,
  kMinLength = 4,
  kMaxLength = 8,
  kMinItems = 16,
  kMaxItems = 32,
};

// One resource type with everything its pointers reach: what the tool parses from JSON and
// encodes, and what spec.cpp decodes (its texts then views into the compiled data).
struct TypeStorage {
  ResourceType type;
  std::deque<Shape> shapes;             // element shapes of lists and maps
  std::deque<Constraints> constraints;  // the shapes' that have any
  std::deque<PropertySet> types;        // the block's property types, by number
};

// In the generated spec_compiled.cpp (the tool's output).
extern const std::string_view kIndex;
extern const std::string_view kBlocks;
extern const std::string_view kDocs;

}  // namespace stacklint::spec::compiled
