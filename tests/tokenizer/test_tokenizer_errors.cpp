// Bad tokenizer files are reported as Status values that name the problem, never a crash.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "formats/gguf.h"
#include "tokenizer/tokenizer.h"

using namespace enclave;

class TestTokenizerErrors : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // A tokenizer.json with a three-letter byte-level vocabulary; `patch` replaces its model.
  static std::string Json(const std::string& model, const std::string& pre = "{\"type\":\"ByteLevel\",\"use_regex\":true}") {
    return "{\"version\":\"1.0\",\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":" + pre +
           ",\"post_processor\":null,\"decoder\":null,\"model\":" + model + "}";
  }

  void ExpectError(const Expected<std::unique_ptr<Tokenizer>>& r, ErrorCode code, const char* needle) {
    QVERIFY2(!r.ok(), "loading should fail");
    QCOMPARE(r.status().code(), code);
    QVERIFY2(r.status().message().find(needle) != std::string::npos, r.status().message().c_str());
  }

  std::string WriteGguf(const std::string& name, const std::function<void(GgufWriter&)>& fill) {
    GgufWriter w;
    w.SetString("general.architecture", "qwen2");
    fill(w);
    const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
    const Status s = w.Write(path);
    if (!s.ok()) qFatal("%s", s.message().c_str());
    return path;
  }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void tokenizerJson() {
    const std::string good_model = "{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\"]}";
    auto ok = LoadTokenizerJson(Write("good.json", Json(good_model)));
    QVERIFY2(ok.ok(), ok.status().message().c_str());
    QCOMPARE((*ok)->Encode("ab", false), (std::vector<int32_t>{2}));

    ExpectError(LoadTokenizerJson(dir_.filePath("missing.json").toStdString()), ErrorCode::kNotFound, "cannot open");
    ExpectError(LoadTokenizerJson(Write("broken.json", "{\"model\": {")), ErrorCode::kBadInput, "not valid JSON");
    ExpectError(LoadTokenizerJson(Write("nomodel.json", "{\"version\":\"1.0\"}")), ErrorCode::kBadInput, "no 'model'");
    ExpectError(LoadTokenizerJson(Write("unigram.json", Json("{\"type\":\"Unigram\",\"vocab\":[]}"))),
                ErrorCode::kUnsupported, "'Unigram' is not supported");
    ExpectError(LoadTokenizerJson(Write("nomerges.json", Json("{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[]}"))),
                ErrorCode::kBadInput, "no merges");
    ExpectError(LoadTokenizerJson(Write("badmerge.json", Json("{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"a b\"]}"))),
                ErrorCode::kBadInput, "not in the vocabulary");
    ExpectError(LoadTokenizerJson(Write("novocab.json", Json("{\"type\":\"BPE\",\"merges\":[\"a b\"]}"))),
                ErrorCode::kBadInput, "no 'vocab'");
    ExpectError(LoadTokenizerJson(Write("meta.json", Json(good_model, "{\"type\":\"Metaspace\"}"))),
                ErrorCode::kUnsupported, "'Metaspace' is not supported");
    ExpectError(LoadTokenizerJson(Write("regex.json", Json(good_model, "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(a\"},\"behavior\":\"Isolated\"}"))),
                ErrorCode::kBadInput, "missing ')'");
    ExpectError(LoadTokenizer(dir_.filePath("nowhere").toStdString()), ErrorCode::kNotFound, "no such file");
    ExpectError(LoadTokenizerFromHfFolder(dir_.path().toStdString()), ErrorCode::kNotFound, "no tokenizer.json");
  }

  void wordPieceVocab() {
    ExpectError(LoadWordPieceVocab(Write("empty.txt", "")), ErrorCode::kBadInput, "empty");
    ExpectError(LoadWordPieceVocab(Write("nounk.txt", "[CLS]\n[SEP]\nhello\n")), ErrorCode::kBadInput, "[UNK]");
    auto ok = LoadWordPieceVocab(Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n##s\n"));
    QVERIFY2(ok.ok(), ok.status().message().c_str());
    QCOMPARE((*ok)->Encode("Hellos world", true), (std::vector<int32_t>{2, 4, 5, 1, 3}));
    QCOMPARE((*ok)->Decode((*ok)->Encode("hellos", false)), std::string("hellos"));
  }

  void gguf() {
    auto open = [](const std::string& path) { return std::move(GgufFile::Open(path)).value(); };
    const std::string none = WriteGguf("none.gguf", [](GgufWriter&) {});
    ExpectError(LoadTokenizerFromGguf(*open(none)), ErrorCode::kBadInput, "no tokenizer.ggml.model");

    const std::string rwkv = WriteGguf("rwkv.gguf", [](GgufWriter& w) {
      w.SetString("tokenizer.ggml.model", "rwkv");
      w.SetStringArray("tokenizer.ggml.tokens", {"a"});
    });
    ExpectError(LoadTokenizerFromGguf(*open(rwkv)), ErrorCode::kUnsupported, "'rwkv' is not supported");

    const std::string nomerges = WriteGguf("nomerges.gguf", [](GgufWriter& w) {
      w.SetString("tokenizer.ggml.model", "gpt2");
      w.SetString("tokenizer.ggml.pre", "qwen2");
      w.SetStringArray("tokenizer.ggml.tokens", {"a", "b"});
    });
    ExpectError(LoadTokenizerFromGguf(*open(nomerges)), ErrorCode::kBadInput, "no tokenizer.ggml.merges");

    const std::string badpre = WriteGguf("badpre.gguf", [](GgufWriter& w) {
      w.SetString("tokenizer.ggml.model", "gpt2");
      w.SetString("tokenizer.ggml.pre", "martian");
      w.SetStringArray("tokenizer.ggml.tokens", {"a", "b", "ab"});
      w.SetStringArray("tokenizer.ggml.merges", {"a b"});
    });
    ExpectError(LoadTokenizerFromGguf(*open(badpre)), ErrorCode::kUnsupported, "'martian' is not supported");

    const std::string types = WriteGguf("types.gguf", [](GgufWriter& w) {
      w.SetString("tokenizer.ggml.model", "llama");
      w.SetStringArray("tokenizer.ggml.tokens", {"a", "b"});
      w.SetInt32Array("tokenizer.ggml.token_type", {1});
      w.SetFloat32Array("tokenizer.ggml.scores", {0, 0});
    });
    ExpectError(LoadTokenizerFromGguf(*open(types)), ErrorCode::kBadInput, "one entry per token");

    const std::string good = WriteGguf("good.gguf", [](GgufWriter& w) {
      w.SetString("tokenizer.ggml.model", "gpt2");
      w.SetString("tokenizer.ggml.pre", "qwen2");
      w.SetStringArray("tokenizer.ggml.tokens", {"a", "b", "ab", "<|im_end|>"});
      w.SetInt32Array("tokenizer.ggml.token_type", {1, 1, 1, 3});
      w.SetStringArray("tokenizer.ggml.merges", {"a b"});
      w.SetUint32("tokenizer.ggml.eos_token_id", 3);
    });
    auto tok = LoadTokenizerFromGguf(*open(good));
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    QCOMPARE((*tok)->Encode("abab<|im_end|>", false), (std::vector<int32_t>{2, 2, 3}));
    QVERIFY((*tok)->IsEndOfGeneration(3));
  }
};

QTEST_MAIN(TestTokenizerErrors)
#include "test_tokenizer_errors.moc"
