// GgufFile on malformed input: each test starts from a valid file (gguf_bytes.h), breaks one
// thing, and checks that parsing fails with a message that names the problem.
#include <QtTest>

#include <random>

#include "formats/gguf.h"
#include "gguf_bytes.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

Status ParseError(const std::vector<uint8_t>& bytes) {
  auto file = GgufFile::ParseBytes(bytes.data(), bytes.size());
  return file.ok() ? Status::Ok() : file.status();
}

// Fails the test unless parsing fails and the message contains every fragment.
void ExpectError(const RawGguf& g, std::initializer_list<const char*> fragments,
                 ErrorCode code = ErrorCode::kBadInput) {
  const Status st = ParseError(g.Build());
  QVERIFY2(!st.ok(), "a malformed file parsed without error");
  for (const char* fragment : fragments)
    QVERIFY2(st.message().find(fragment) != std::string::npos,
             qPrintable(QString("message \"%1\" lacks \"%2\"")
                            .arg(QString::fromStdString(st.message()), fragment)));
  QCOMPARE(static_cast<int>(st.code()), static_cast<int>(code));
}

}  // namespace

class GgufBadInputTest : public QObject {
  Q_OBJECT

 private slots:
  void validBaseParses() {
    const std::vector<uint8_t> bytes = ValidRawGguf().Build();
    auto file = GgufFile::ParseBytes(bytes.data(), bytes.size());
    QVERIFY2(file.ok(), file.status().message().c_str());
    QCOMPARE(file.value()->tensors().size(), size_t{3});
    QCOMPARE(file.value()->metadata().size(), size_t{3});
  }

  void wrongMagic() {
    RawGguf g = ValidRawGguf();
    g.magic = "GGML";
    ExpectError(g, {"not a GGUF file", "magic", "47 47 4d 4c"});
  }

  void tooShortForMagic() {
    const std::vector<uint8_t> bytes = {'G', 'G'};
    const Status st = ParseError(bytes);
    QVERIFY(!st.ok());
    QVERIFY(st.message().find("too short") != std::string::npos);
    QVERIFY(!GgufFile::ParseBytes(nullptr, 0).ok());
  }

  void version1Rejected() {
    RawGguf g = ValidRawGguf();
    g.version = 1;
    ExpectError(g, {"version 1", "not supported"}, ErrorCode::kUnsupported);
  }

  void version2Accepted() {
    RawGguf g = ValidRawGguf();
    g.version = 2;
    const std::vector<uint8_t> bytes = g.Build();
    auto file = GgufFile::ParseBytes(bytes.data(), bytes.size());
    QVERIFY2(file.ok(), file.status().message().c_str());
    QCOMPARE(file.value()->version(), 2u);
  }

  void futureVersionRejected() {
    RawGguf g = ValidRawGguf();
    g.version = 4;
    ExpectError(g, {"unsupported GGUF version 4"}, ErrorCode::kUnsupported);
  }

  void bigEndianRejected() {
    RawGguf g = ValidRawGguf();
    g.version = __builtin_bswap32(3);
    ExpectError(g, {"big-endian"}, ErrorCode::kUnsupported);
    g.magic = "FUGG";
    ExpectError(g, {"big-endian"}, ErrorCode::kUnsupported);
  }

  // Every prefix of a valid file fails cleanly: inside the header with "truncated" or "past",
  // inside the data section by naming a tensor that no longer fits.
  void truncatedAtEveryByte() {
    const std::vector<uint8_t> bytes = ValidRawGguf().Build();
    auto full = GgufFile::ParseBytes(bytes.data(), bytes.size());
    QVERIFY(full.ok());
    const size_t data_offset = full.value()->data_offset();
    for (size_t n = 0; n < bytes.size(); ++n) {
      // A copy of exactly n bytes, so ASan sees any read past the end.
      std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
      const Status st = ParseError(prefix);
      QVERIFY2(!st.ok(), qPrintable(QString("a %1-byte prefix parsed").arg(n)));
      if (n >= data_offset) {
        QVERIFY2(st.message().find("run past the end of the file") != std::string::npos,
                 st.message().c_str());
        QVERIFY2(st.message().find("tensor '") != std::string::npos, st.message().c_str());
      } else if (n >= 4) {
        const bool says_truncated = st.message().find("truncated") != std::string::npos ||
                                    st.message().find("past the end") != std::string::npos ||
                                    st.message().find("more than the") != std::string::npos;
        QVERIFY2(says_truncated, st.message().c_str());
      }
    }
  }

  void keyLengthPastEnd() {
    RawGguf g = ValidRawGguf();
    g.metadata.clear();
    g.tensors.clear();
    g.data_bytes = 0;
    // One entry whose key claims 2^40 bytes.
    std::vector<uint8_t> bytes = g.Build();
    bytes.resize(24);
    bytes[16] = 1;  // metadata count
    const std::string key = U64(uint64_t{1} << 40) + "general.name" + U32(kTU8) + U8(1);
    bytes.insert(bytes.end(), key.begin(), key.end());
    const Status st = ParseError(bytes);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("metadata key #0: string length 1099511627776 at byte 24 runs past "
                               "the end of the file") != std::string::npos,
             st.message().c_str());
  }

  void stringValueLengthPastEnd() {
    RawGguf g = ValidRawGguf();
    g.metadata[0].second = U32(kTString) + U64(1000000) + "test";
    ExpectError(g, {"metadata key 'general.architecture'", "string length 1000000", "past the end"});
  }

  void tensorNameLengthPastEnd() {
    RawGguf g = ValidRawGguf();
    g.tensors.resize(1);
    g.tensors[0].name = std::string(8, 'x');
    std::vector<uint8_t> bytes = g.Build();
    // Overwrite the name length of tensor #0 (it follows the metadata).
    const std::string marker = Str(std::string(8, 'x'));
    auto it = std::search(bytes.begin(), bytes.end(), marker.begin(), marker.end());
    QVERIFY(it != bytes.end());
    const std::string huge = U64(~uint64_t{0});
    std::copy(huge.begin(), huge.end(), it);
    const Status st = ParseError(bytes);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("name of tensor #0") != std::string::npos, st.message().c_str());
    QVERIFY2(st.message().find("past the end") != std::string::npos, st.message().c_str());
  }

  void tensorOffsetPastEnd() {
    RawGguf g = ValidRawGguf();
    g.tensors[2].offset = 160;  // 68 bytes from 160 run past the 164-byte data section
    ExpectError(g, {"tensor 'c'", "data offset 160", "run past the end of the file"});
    g.tensors[2].offset = uint64_t{1} << 63;  // offset + size would overflow 64 bits
    ExpectError(g, {"tensor 'c'", "run past the end of the file"});
  }

  void dimensionProductOverflows() {
    RawGguf g = ValidRawGguf();
    g.tensors[0].ne = {uint64_t{1} << 32, uint64_t{1} << 32};
    ExpectError(g, {"tensor 'a'", "element count", "overflows"});
  }

  void byteSizeOverflows() {
    RawGguf g = ValidRawGguf();
    g.tensors[0].ne = {uint64_t{1} << 62, 1};  // 2^62 elements fit; 2^64 bytes of f32 do not
    ExpectError(g, {"tensor 'a'", "byte size", "overflows"});
  }

  void hugeButValidShapePastEnd() {
    RawGguf g = ValidRawGguf();
    g.tensors[0].ne = {uint64_t{1} << 20, uint64_t{1} << 20};  // 4 TiB of f32
    g.tensors[1].offset = uint64_t{1} << 42;
    g.tensors[2].offset = (uint64_t{1} << 42) + 64;
    ExpectError(g, {"tensor 'a'", "4398046511104 bytes", "run past the end of the file"});
  }

  void unknownTensorType() {
    RawGguf g = ValidRawGguf();
    g.tensors[1].type = 200;
    ExpectError(g, {"tensor 'b'", "unknown tensor type 200"});
  }

  void ggmlTypeThisEngineDoesNotRead() {
    RawGguf g = ValidRawGguf();
    g.tensors[1].type = 16;
    ExpectError(g, {"tensor 'b'", "iq2_xxs", "does not read"}, ErrorCode::kUnsupported);
  }

  void blockSizeMismatch() {
    RawGguf g = ValidRawGguf();
    g.tensors[2].ne = {16, 4};  // q8_0 blocks hold 32
    ExpectError(g, {"tensor 'c'", "first dimension 16", "q8_0 block size 32"});
  }

  void duplicateTensorName() {
    RawGguf g = ValidRawGguf();
    g.tensors[2].name = "a";
    ExpectError(g, {"duplicate tensor name 'a'"});
  }

  void duplicateMetadataKey() {
    RawGguf g = ValidRawGguf();
    g.metadata.push_back({"test.block_count", U32(kTU32) + U32(3)});
    ExpectError(g, {"duplicate metadata key 'test.block_count'", "at byte"});
  }

  void emptyNames() {
    RawGguf g = ValidRawGguf();
    g.metadata[1].first = "";
    ExpectError(g, {"metadata key #1", "empty"});
    g = ValidRawGguf();
    g.tensors[1].name = "";
    ExpectError(g, {"tensor #1", "empty name"});
  }

  void misalignedOffset() {
    RawGguf g = ValidRawGguf();
    g.tensors[1].offset = 68;
    ExpectError(g, {"tensor 'b'", "data offset 68", "not a multiple of the alignment 32"});
  }

  void overlappingTensors() {
    RawGguf g = ValidRawGguf();
    g.tensors[1].offset = 32;  // inside a's 64 bytes
    ExpectError(g, {"tensors 'a'", "'b'", "overlap"});
    g = ValidRawGguf();
    g.tensors[2].offset = 0;  // c starts where a starts
    ExpectError(g, {"'a'", "'c'", "overlap"});
  }

  void tooManyDimensions() {
    RawGguf g = ValidRawGguf();
    g.tensors[0].ne = {8, 2, 1, 1, 1};
    ExpectError(g, {"tensor 'a'", "5 dimensions", "1 to 4"});
    g.tensors[0].ne = {};
    ExpectError(g, {"tensor 'a'", "0 dimensions"});
  }

  void zeroDimension() {
    RawGguf g = ValidRawGguf();
    g.tensors[0].ne = {8, 0};
    ExpectError(g, {"tensor 'a'", "dimension 1 is 0"});
  }

  void negativeDimension() {
    RawGguf g = ValidRawGguf();
    g.tensors[0].ne = {8, static_cast<uint64_t>(-3)};
    ExpectError(g, {"tensor 'a'", "dimension 1 is -3"});
  }

  void alignmentNotPowerOfTwo() {
    RawGguf g = ValidRawGguf();
    g.metadata.push_back({"general.alignment", U32(kTU32) + U32(48)});
    ExpectError(g, {"general.alignment", "48", "not a power of two"});
    g.metadata.back().second = U32(kTU32) + U32(0);
    ExpectError(g, {"general.alignment", "not a power of two"});
    g.metadata.back().second = U32(kTString) + Str("64");
    ExpectError(g, {"general.alignment", "unsigned integer", "string"});
  }

  void customAlignmentHonoured() {
    RawGguf g = ValidRawGguf();
    g.metadata.push_back({"general.alignment", U32(kTU32) + U32(64)});
    g.alignment = 64;
    g.tensors[1].offset = 64;
    g.tensors[2].offset = 128;
    g.data_bytes = 196;
    const std::vector<uint8_t> bytes = g.Build();
    auto file = GgufFile::ParseBytes(bytes.data(), bytes.size());
    QVERIFY2(file.ok(), file.status().message().c_str());
    QCOMPARE(file.value()->alignment(), uint64_t{64});
    QCOMPARE(file.value()->data_offset() % 64, uint64_t{0});
    g.tensors[1].offset = 96;  // aligned to 32 but not 64
    ExpectError(g, {"tensor 'b'", "not a multiple of the alignment 64"});
  }

  void absurdCounts() {
    RawGguf g = ValidRawGguf();
    g.metadata_count = uint64_t{1} << 60;
    ExpectError(g, {"1152921504606846976 metadata entries", "truncated or corrupt"});
    g = ValidRawGguf();
    g.tensor_count = ~uint64_t{0};
    ExpectError(g, {"18446744073709551615 tensors", "truncated or corrupt"});
  }

  void absurdArrayLength() {
    RawGguf g = ValidRawGguf();
    g.metadata[2].second = U32(kTArray) + U32(kTU32) + U64(uint64_t{1} << 61);
    ExpectError(g, {"tokenizer.ggml.tokens", "array of 2305843009213693952 uint32", "past the end"});
    g.metadata[2].second = U32(kTArray) + U32(kTArray) + U64(uint64_t{1} << 40);
    ExpectError(g, {"tokenizer.ggml.tokens", "array of 1099511627776 array", "past the end"});
  }

  void unknownValueTypes() {
    RawGguf g = ValidRawGguf();
    g.metadata[1].second = U32(13) + U32(2);
    ExpectError(g, {"metadata key 'test.block_count'", "unknown value type 13"});
    g.metadata[1].second = U32(kTArray) + U32(99) + U64(0);
    ExpectError(g, {"metadata key 'test.block_count'", "unknown array element type 99"});
  }

  void invalidBool() {
    RawGguf g = ValidRawGguf();
    g.metadata[1].second = U32(kTBool) + U8(2);
    ExpectError(g, {"test.block_count", "invalid bool value 2"});
  }

  void nestingTooDeep() {
    RawGguf g = ValidRawGguf();
    std::string value = U32(kTArray);
    for (int i = 0; i < 40; ++i) value += U32(kTArray) + U64(1);
    value += U32(kTU8) + U64(0);
    g.metadata[1].second = value;
    ExpectError(g, {"test.block_count", "nested more than 16"});
  }

  // A file without tensors may stop right after its metadata (no padding): the vocab-only
  // files llama.cpp writes do.
  void noTensorsNoPadding() {
    RawGguf g = ValidRawGguf();
    g.tensors.clear();
    g.data_bytes = 0;
    const std::vector<uint8_t> padded_bytes = g.Build();
    auto padded = GgufFile::ParseBytes(padded_bytes.data(), padded_bytes.size());
    QVERIFY(padded.ok());
    g.alignment = 1;  // the builder pads to this; the file itself still uses 32
    const std::vector<uint8_t> bytes = g.Build();
    QVERIFY(bytes.size() % 32 != 0);
    auto file = GgufFile::ParseBytes(bytes.data(), bytes.size());
    QVERIFY2(file.ok(), file.status().message().c_str());
    QCOMPARE(file.value()->metadata().size(), size_t{3});
  }

  // Random corruption: whatever the bytes, parsing returns (ok or an error) without crashing;
  // run under ASan/UBSan this also proves no out-of-bounds read or overflow.
  void randomByteFlips() {
    const std::vector<uint8_t> valid = ValidRawGguf().Build();
    std::mt19937 rng(1234);
    int failures = 0;
    for (int iteration = 0; iteration < 20000; ++iteration) {
      std::vector<uint8_t> bytes = valid;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
      bytes.resize(bytes.size() - rng() % 8);
      auto file = GgufFile::ParseBytes(bytes.data(), bytes.size());
      if (!file.ok()) {
        ++failures;
        QVERIFY(!file.status().message().empty());
        continue;
      }
      for (const GgufTensorInfo& t : file.value()->tensors()) {  // views stay inside the bytes
        const TensorView v = file.value()->View(t);
        const auto* p = static_cast<const uint8_t*>(v.data);
        QVERIFY(p >= bytes.data() && p + v.nbytes <= bytes.data() + bytes.size());
      }
    }
    QVERIFY(failures > 0);
  }
};

QTEST_APPLESS_MAIN(GgufBadInputTest)
#include "gguf_bad_input_test.moc"
