// Templates outside the supported subset fail with an error naming the construct and its line,
// and ResolveChatTemplate then falls back to the built-in template of the detected family.
#include <QtTest>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "testdata.h"

using enclave::ChatTemplate;
using enclave::ErrorCode;
using enclave::FamilyHints;
using enclave::ModelFamily;

namespace {

std::string R1Template() {
  std::ifstream in(enclave::testing::TestDataDir() / "tokenizers/deepseek-r1-distill-qwen/tokenizer_config.json");
  if (!in) return "";
  return nlohmann::json::parse(in, nullptr, false).value("chat_template", "");
}

// The error of parsing, or else of rendering a one-message conversation.
enclave::Status TemplateError(const std::string& source) {
  auto parsed = ChatTemplate::Parse(source);
  if (!parsed.ok()) return parsed.status();
  nlohmann::ordered_json vars = {{"items", {1, 2}}};
  enclave::TemplateContext context;
  context.extra = vars;
  auto rendered = parsed->Render({{"user", "hi", ""}}, true, context);
  return rendered.ok() ? enclave::Status::Ok() : rendered.status();
}

constexpr const char* kBos = "<｜begin▁of▁sentence｜>";

// The string metadata of a GGUF v3 file (spec: ggml docs/gguf.md), read here so that this test
// depends on engine/chat only. Arrays and numbers are skipped.
std::map<std::string, std::string> ReadGgufStrings(const std::filesystem::path& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path, std::ios::binary);
  auto u32 = [&] { uint32_t v = 0; in.read(reinterpret_cast<char*>(&v), 4); return v; };
  auto u64 = [&] { uint64_t v = 0; in.read(reinterpret_cast<char*>(&v), 8); return v; };
  auto str = [&] { std::string s(u64(), '\0'); in.read(s.data(), std::streamsize(s.size())); return s; };
  const size_t kScalarBytes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
  std::function<void(uint32_t)> skip = [&](uint32_t type) {
    if (type == 8) { str(); return; }
    if (type == 9) {
      const uint32_t item = u32();
      const uint64_t n = u64();
      if (item != 8 && item != 9) { in.seekg(std::streamoff(n * kScalarBytes[item]), std::ios::cur); return; }
      for (uint64_t i = 0; i < n && in; ++i) skip(item);
      return;
    }
    in.seekg(std::streamoff(kScalarBytes[type]), std::ios::cur);
  };
  if (u32() != 0x46554747 || u32() != 3) return out;  // "GGUF", version 3
  u64();  // tensor count
  const uint64_t n_kv = u64();
  for (uint64_t i = 0; i < n_kv && in; ++i) {
    const std::string key = str();
    const uint32_t type = u32();
    if (type > 12) break;
    if (type == 8) out[key] = str();
    else skip(type);
  }
  return out;
}

}  // namespace

class TestTemplateFallback : public QObject {
  Q_OBJECT

 private slots:
  void unsupportedConstructs_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("mentions");  // the construct the message must name
    QTest::addColumn<int>("line");
    QTest::newRow("include") << "{% include 'other.jinja' %}" << "include" << 1;
    QTest::newRow("import") << "text\n{% import 'macros.jinja' as m %}" << "import" << 2;
    QTest::newRow("extends") << "{% extends 'base.jinja' %}" << "extends" << 1;
    QTest::newRow("call block") << "a\nb\n{% call f() %}x{% endcall %}" << "call" << 3;
    QTest::newRow("unknown filter") << "{{ bos_token }}\n{{ messages[0].content | wordwrap(20) }}" << "wordwrap" << 2;
    QTest::newRow("unknown test") << "{% if x is sameasnothing %}{% endif %}" << "sameasnothing" << 1;
    QTest::newRow("recursive loop") << "\n\n{% for m in messages recursive %}{% endfor %}" << "recursive" << 3;
    QTest::newRow("unknown function") << "\n{{ tool_call_schema(messages) }}" << "tool_call_schema" << 2;
    QTest::newRow("str.format") << "{{ '{} says'.format(messages[0].role) }}" << "str.format" << 1;
    QTest::newRow("printf formatting") << "{{ '%s said' % messages[0].role }}" << "printf" << 1;
    QTest::newRow("list.append") << "{% set xs = [] %}\n{{ xs.append(1) }}" << "append" << 2;
    QTest::newRow("star args") << "{{ range(*items) }}" << "*args" << 1;
    QTest::newRow("unknown statement") << "{% frobnicate %}" << "frobnicate" << 1;
  }

  void unsupportedConstructs() {
    QFETCH(QString, source);
    QFETCH(QString, mentions);
    QFETCH(int, line);
    const enclave::Status status = TemplateError(source.toStdString());
    QVERIFY2(!status.ok(), "expected an error");
    QCOMPARE(status.code(), ErrorCode::kUnsupported);
    const std::string& m = status.message();
    QVERIFY2(m.find(mentions.toStdString()) != std::string::npos, m.c_str());
    QVERIFY2(m.find("line " + std::to_string(line)) != std::string::npos, m.c_str());
  }

  void syntaxErrors_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unclosed if") << "{% if true %}\nx" << "never closed";
    QTest::newRow("stray endfor") << "x\n{% endfor %}" << "endfor";
    QTest::newRow("unclosed print") << "{{ messages" << "never closed";
    QTest::newRow("unclosed string") << "{{ 'abc }}" << "never closed";
    QTest::newRow("bad token") << "{{ a ? b }}" << "?";
    QTest::newRow("break outside loop") << "{% break %}" << "outside";
    QTest::newRow("missing operand") << "{{ 1 + }}" << "expected an expression";
  }

  void syntaxErrors() {
    QFETCH(QString, source);
    QFETCH(QString, mentions);
    const enclave::Status status = TemplateError(source.toStdString());
    QVERIFY(!status.ok());
    QCOMPARE(status.code(), ErrorCode::kBadInput);
    QVERIFY2(status.message().find(mentions.toStdString()) != std::string::npos, status.message().c_str());
    QVERIFY2(status.message().find("line ") != std::string::npos, status.message().c_str());
  }

  void usesTheFilesTemplateWhenSupported() {
    const std::string source = R1Template();
    QVERIFY2(!source.empty(), "shared test data missing");
    const auto resolved = enclave::ResolveChatTemplate({source, "qwen2", "DeepSeek-R1-Distill-Qwen-1.5B", kBos, ""});
    QVERIFY(!resolved.is_builtin);
    QVERIFY(resolved.warning.empty());
    QCOMPARE(resolved.family, ModelFamily::kDeepSeekR1DistillQwen);
    QCOMPARE(QString::fromStdString(resolved.chat_template.source()), QString::fromStdString(source));
  }

  void fallsBackOnUnsupportedConstruct() {
    // The R1 template with one unsupported filter added: the built-in R1 template takes over.
    const std::string source = R1Template() + "\n{{ messages | wordwrap }}";
    const auto resolved = enclave::ResolveChatTemplate({source, "qwen2", "", kBos, ""});
    QVERIFY(resolved.is_builtin);
    QCOMPARE(resolved.family, ModelFamily::kDeepSeekR1DistillQwen);
    QVERIFY2(resolved.warning.find("wordwrap") != std::string::npos, resolved.warning.c_str());
    QVERIFY2(resolved.warning.find("line 2") != std::string::npos, resolved.warning.c_str());
    QVERIFY2(resolved.warning.find("built-in deepseek-r1") != std::string::npos, resolved.warning.c_str());
    auto prompt = resolved.chat_template.Render({{"user", "Hi", ""}}, true, {kBos, ""});
    QVERIFY(prompt.ok());
    QCOMPARE(QString::fromStdString(*prompt), QString::fromStdString(std::string(kBos) + "<｜User｜>Hi<｜Assistant｜>"));
  }

  void fallsBackOnRenderTimeFailure() {
    // Parses, but calls a method only found while rendering.
    const auto resolved = enclave::ResolveChatTemplate(
        {"{% for m in messages %}<start_of_turn>{{ m.content.format() }}{% endfor %}", "gemma3", "", "<bos>", ""});
    QVERIFY(resolved.is_builtin);
    QCOMPARE(resolved.family, ModelFamily::kGemma);
    QVERIFY2(resolved.warning.find("str.format") != std::string::npos, resolved.warning.c_str());
  }

  void templateThatRefusesSystemIsKept() {
    // Gemma 2 style: raise_exception for system turns is the template working, not a failure.
    const std::string source =
        "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
        "{% for m in messages %}<start_of_turn>{{ m.role }}\n{{ m.content | trim }}<end_of_turn>\n{% endfor %}";
    const auto resolved = enclave::ResolveChatTemplate({source, "gemma2", "", "<bos>", ""});
    QVERIFY2(!resolved.is_builtin, resolved.warning.c_str());
  }

  void missingTemplateUsesBuiltin() {
    // gemma-3-270m-q4_k_m.gguf (a base model) carries no tokenizer.chat_template.
    const auto resolved = enclave::ResolveChatTemplate({"", "gemma3", "Gemma 3 270m", "<bos>", "<eos>"});
    QVERIFY(resolved.is_builtin);
    QCOMPARE(resolved.family, ModelFamily::kGemma);
    QVERIFY2(resolved.warning.find("no chat template") != std::string::npos, resolved.warning.c_str());
    auto prompt = resolved.chat_template.Render({{"user", "Hello!", ""}}, true, {"<bos>", "<eos>"});
    QVERIFY(prompt.ok());
    QCOMPARE(QString::fromStdString(*prompt), QString("<bos><start_of_turn>user\nHello!<end_of_turn>\n<start_of_turn>model\n"));
  }

  // The real model file: its metadata chooses the template end to end.
  void gemmaModelFile() {
    const auto path = enclave::testing::ModelCacheDir() / "gemma-3-270m-q4_k_m.gguf";
    if (!std::filesystem::exists(path))
      QSKIP("gemma-3-270m-q4_k_m.gguf not installed (installer/setup.sh fetches it into .models/)");
    const auto meta = ReadGgufStrings(path);
    QVERIFY2(meta.count("general.architecture"), "GGUF metadata unreadable");
    const std::string arch = meta.at("general.architecture");
    const std::string name = meta.count("general.name") ? meta.at("general.name") : "";
    const std::string source = meta.count("tokenizer.chat_template") ? meta.at("tokenizer.chat_template") : "";
    const auto resolved = enclave::ResolveChatTemplate({source, arch, name, "<bos>", "<eos>"});
    QCOMPARE(resolved.family, ModelFamily::kGemma);
    // This file is the base model and carries no template (the built-in one is used); a file
    // that does carry one must have it accepted.
    QCOMPARE(resolved.is_builtin, source.empty());
    auto prompt = resolved.chat_template.Render({{"system", "Be brief.", ""}, {"user", "Hello!", ""}}, true,
                                                {"<bos>", "<eos>"});
    QVERIFY2(prompt.ok(), prompt.status().message().c_str());
    QCOMPARE(QString::fromStdString(*prompt),
             QString("<bos><start_of_turn>user\nBe brief.\n\nHello!<end_of_turn>\n<start_of_turn>model\n"));
  }

  void detectFamily_data() {
    QTest::addColumn<QString>("tmpl");
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("bos");
    QTest::addColumn<int>("family");
    QTest::newRow("R1 markers") << "x<｜Assistant｜>y</think>" << "" << "" << "" << int(ModelFamily::kDeepSeekR1DistillQwen);
    QTest::newRow("V3 markers") << "x<｜Assistant｜>y" << "" << "" << "" << int(ModelFamily::kDeepSeekV3);
    QTest::newRow("chatml") << "<|im_start|>" << "" << "" << "" << int(ModelFamily::kQwen2ChatML);
    QTest::newRow("llama3") << "<|start_header_id|>" << "" << "" << "" << int(ModelFamily::kLlama3);
    QTest::newRow("gemma") << "<start_of_turn>" << "" << "" << "" << int(ModelFamily::kGemma);
    QTest::newRow("distill by arch") << "" << "qwen2" << "" << kBos << int(ModelFamily::kDeepSeekR1DistillQwen);
    QTest::newRow("distill llama by name") << "" << "llama" << "DeepSeek-R1-Distill-Llama-8B" << kBos << int(ModelFamily::kDeepSeekR1DistillQwen);
    QTest::newRow("deepseek2 arch") << "" << "deepseek2" << "DeepSeek-V3" << kBos << int(ModelFamily::kDeepSeekV3);
    QTest::newRow("R1 full") << "" << "deepseek2" << "DeepSeek-R1" << kBos << int(ModelFamily::kDeepSeekR1DistillQwen);
    QTest::newRow("gemma3 arch") << "" << "gemma3" << "" << "<bos>" << int(ModelFamily::kGemma);
    QTest::newRow("qwen2 arch") << "" << "qwen2" << "Qwen2.5 7B Instruct" << "" << int(ModelFamily::kQwen2ChatML);
    QTest::newRow("llama3 bos") << "" << "llama" << "" << "<|begin_of_text|>" << int(ModelFamily::kLlama3);
    QTest::newRow("unknown") << "" << "mamba" << "" << "" << int(ModelFamily::kUnknown);
  }

  void detectFamily() {
    QFETCH(QString, tmpl);
    QFETCH(QString, arch);
    QFETCH(QString, name);
    QFETCH(QString, bos);
    QFETCH(int, family);
    const std::string t = tmpl.toStdString(), a = arch.toStdString(), n = name.toStdString(), b = bos.toStdString();
    QCOMPARE(int(enclave::DetectFamily({t, a, n, b, ""})), family);
  }
};

QTEST_APPLESS_MAIN(TestTemplateFallback)
#include "test_template_fallback.moc"
