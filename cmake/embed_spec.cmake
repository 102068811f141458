# Writes a C++ source holding src/spec/data/spec.jsonl as one string literal (src/spec/spec.cpp
# parses it lazily), so the binary needs no data file and start-up parses nothing.
# Run as: cmake -DINPUT=... -DOUTPUT=... -P embed_spec.cmake
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}.tmp"
     "// Generated from ${INPUT} by cmake/embed_spec.cmake. Do not edit.\n"
     "#include <string_view>\n\nnamespace stacklint::spec {\n\n"
     "extern const std::string_view kEmbeddedSpec;\n"
     "const std::string_view kEmbeddedSpec = R\"spec_data(${text})spec_data\";\n\n"
     "}  // namespace stacklint::spec\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
