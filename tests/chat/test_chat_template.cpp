// Chat templates render byte for byte what jinja2 renders (as transformers runs it): the DeepSeek
// templates of the shared test data, the Gemma 3 template, and a table of single features.
#include <QtTest>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "testdata.h"

using enclave::ChatTemplate;
using enclave::ModelFamily;
using enclave::TemplateContext;
using json = nlohmann::ordered_json;

namespace {

json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// tokenizer_config.json writes special tokens as a string or as {"content": ...}.
std::string TokenText(const json& token) {
  if (token.is_string()) return token.get<std::string>();
  if (token.is_object() && token.contains("content")) return token["content"].get<std::string>();
  return "";
}

QString Q(const std::string& s) { return QString::fromStdString(s); }

std::filesystem::path ChatDataDir() { return enclave::testing::SourceDir() / "tests" / "chat" / "data"; }

struct FamilyCase {
  std::string family;  // folder name under tokenizers/ and file name under chat_templates/
  json config;
  json cases;
};

std::vector<FamilyCase> LoadSharedCases() {
  std::vector<FamilyCase> out;
  for (const char* family : {"deepseek-r1-distill-qwen", "deepseek-v3"}) {
    const auto root = enclave::testing::TestDataDir();
    FamilyCase c{family, ReadJson(root / "tokenizers" / family / "tokenizer_config.json"),
                 ReadJson(root / "chat_templates" / (std::string(family) + ".json"))};
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

class TestChatTemplate : public QObject {
  Q_OBJECT

 private slots:
  void sharedTestData_data() {
    QTest::addColumn<QString>("family");
    QTest::addColumn<int>("index");
    for (const FamilyCase& f : LoadSharedCases()) {
      if (!f.cases.is_object()) continue;
      for (size_t i = 0; i < f.cases["cases"].size(); ++i)
        QTest::newRow((f.family + " #" + std::to_string(i)).c_str()) << Q(f.family) << int(i);
    }
  }

  // Every case of ../shared/testdata/chat_templates, rendered with the model's own template.
  void sharedTestData() {
    QFETCH(QString, family);
    QFETCH(int, index);
    for (const FamilyCase& f : LoadSharedCases()) {
      if (f.family != family.toStdString()) continue;
      QVERIFY2(f.config.is_object(), "tokenizer_config.json missing or unreadable");
      auto parsed = ChatTemplate::Parse(f.config["chat_template"].get<std::string>());
      QVERIFY2(parsed.ok(), parsed.status().message().c_str());
      const json& c = f.cases["cases"][size_t(index)];
      TemplateContext context;
      context.bos_token = TokenText(f.config["bos_token"]);
      context.eos_token = TokenText(f.config["eos_token"]);
      auto rendered = parsed->RenderJson(c["messages"], c["add_generation_prompt"].get<bool>(), context);
      QVERIFY2(rendered.ok(), rendered.status().message().c_str());
      QCOMPARE(Q(*rendered), Q(c["rendered"].get<std::string>()));

      // The built-in template of the family renders these conversations identically.
      const ModelFamily builtin = f.family == "deepseek-v3" ? ModelFamily::kDeepSeekV3 : ModelFamily::kDeepSeekR1DistillQwen;
      auto from_builtin = enclave::BuiltinTemplate(builtin).RenderJson(c["messages"], c["add_generation_prompt"].get<bool>(), context);
      QVERIFY2(from_builtin.ok(), from_builtin.status().message().c_str());
      QCOMPARE(Q(*from_builtin), Q(c["rendered"].get<std::string>()));
      return;
    }
    QFAIL("family not found");
  }

  void sharedTestDataPresent() {
    for (const FamilyCase& f : LoadSharedCases()) {
      QVERIFY2(f.cases.is_object() && f.cases["cases"].size() >= 10, f.family.c_str());
      QVERIFY2(f.config.contains("chat_template"), f.family.c_str());
    }
  }

  // The Gemma 3 chat template against jinja2's output (tests/chat/make_gemma_reference.py).
  void gemmaReference() {
    const json ref = ReadJson(ChatDataDir() / "gemma3_reference.json");
    QVERIFY2(ref.is_object(), "tests/chat/data/gemma3_reference.json missing");
    auto parsed = ChatTemplate::Parse(ref["chat_template"].get<std::string>());
    QVERIFY2(parsed.ok(), parsed.status().message().c_str());
    QCOMPARE(enclave::DetectFamily({ref["chat_template"].get<std::string>(), "gemma3", "", "<bos>", "<eos>"}),
             ModelFamily::kGemma);
    TemplateContext context;
    context.bos_token = ref["bos_token"].get<std::string>();
    context.eos_token = ref["eos_token"].get<std::string>();
    QVERIFY(ref["cases"].size() >= 8);
    for (const json& c : ref["cases"]) {
      const bool gen = c["add_generation_prompt"].get<bool>();
      auto rendered = parsed->RenderJson(c["messages"], gen, context);
      QVERIFY2(rendered.ok(), rendered.status().message().c_str());
      QCOMPARE(Q(*rendered), Q(c["rendered"].get<std::string>()));
      auto builtin = enclave::BuiltinTemplate(ModelFamily::kGemma).RenderJson(c["messages"], gen, context);
      QVERIFY2(builtin.ok(), builtin.status().message().c_str());
      QCOMPARE(Q(*builtin), Q(c["rendered"].get<std::string>()));
    }
    // The template's own raise_exception() refuses turns that do not alternate.
    auto refused = parsed->Render({{"user", "a", ""}, {"user", "b", ""}}, true, context);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.status().code(), enclave::ErrorCode::kInvalidArgument);
    QVERIFY2(refused.status().message().find("Conversation roles must alternate") != std::string::npos,
             refused.status().message().c_str());
  }

  // Real templates with more moving parts (tests/chat/make_template_reference.py): tool calls and
  // results, tools printed with tojson(indent=4), thinking switched by variables, and a
  // generation prompt that opens <think>.
  void templateReference_data() {
    QTest::addColumn<int>("index");
    const json ref = ReadJson(ChatDataDir() / "template_reference.json");
    if (!ref.is_object()) return;
    for (size_t i = 0; i < ref["cases"].size(); ++i) {
      const json& c = ref["cases"][i];
      QTest::newRow((c["template"].get<std::string>() + " #" + std::to_string(i)).c_str()) << int(i);
    }
  }

  void templateReference() {
    QFETCH(int, index);
    const json ref = ReadJson(ChatDataDir() / "template_reference.json");
    const json& c = ref["cases"][size_t(index)];
    std::ifstream in(ChatDataDir() / c["template"].get<std::string>());
    std::stringstream source;
    source << in.rdbuf();
    auto parsed = ChatTemplate::Parse(source.str());
    QVERIFY2(parsed.ok(), parsed.status().message().c_str());
    TemplateContext context;
    context.bos_token = c["bos_token"].get<std::string>();
    context.eos_token = c["eos_token"].get<std::string>();
    context.extra = c["extra"];
    auto rendered = parsed->RenderJson(c["messages"], c["add_generation_prompt"].get<bool>(), context);
    if (c.contains("error")) {
      QVERIFY(!rendered.ok());
      QCOMPARE(rendered.status().code(), enclave::ErrorCode::kInvalidArgument);
      return;
    }
    QVERIFY2(rendered.ok(), rendered.status().message().c_str());
    const std::string expected = c["rendered"].get<std::string>();
    QCOMPARE(Q(*rendered), Q(expected));
    const bool opens = (expected.size() >= 7 && expected.substr(expected.size() - 7) == "<think>") ||
                       (expected.size() >= 8 && expected.substr(expected.size() - 8) == "<think>\n");
    QCOMPARE(enclave::PromptOpensReasoning(*rendered), opens);
  }

  void templateReferencePresent() {
    const json ref = ReadJson(ChatDataDir() / "template_reference.json");
    QVERIFY2(ref.is_object() && ref["cases"].size() >= 64, "tests/chat/data/template_reference.json missing");
    int opens = 0;
    for (const json& c : ref["cases"])
      opens += c.contains("rendered") && enclave::PromptOpensReasoning(c["rendered"].get<std::string>());
    QVERIFY(opens > 0);  // the R1 and V3.1 generation prompts that open <think> are covered
  }

  void jinjaFeatures_data() {
    QTest::addColumn<int>("index");
    const json ref = ReadJson(ChatDataDir() / "jinja_reference.json");
    if (!ref.is_object()) return;
    for (size_t i = 0; i < ref["cases"].size(); ++i) {
      std::string name = ref["cases"][i]["template"].get<std::string>().substr(0, 48);
      QTest::newRow(("#" + std::to_string(i) + " " + name).c_str()) << int(i);
    }
  }

  // One Jinja feature per case, against jinja2 (tests/chat/make_jinja_reference.py).
  void jinjaFeatures() {
    QFETCH(int, index);
    const json ref = ReadJson(ChatDataDir() / "jinja_reference.json");
    QVERIFY(ref.is_object());
    const json& c = ref["cases"][size_t(index)];
    const json& vars = ref["variables"];
    auto parsed = ChatTemplate::Parse(c["template"].get<std::string>());
    QVERIFY2(parsed.ok(), parsed.status().message().c_str());
    TemplateContext context;
    context.extra = vars;
    context.extra.erase("messages");
    auto rendered = parsed->RenderJson(vars["messages"], false, context);
    if (c.contains("error")) {
      QVERIFY2(!rendered.ok(), ("jinja2 raised " + c["python_error"].get<std::string>() + ", we rendered: " +
                                (rendered.ok() ? *rendered : std::string())).c_str());
      return;
    }
    QVERIFY2(rendered.ok(), rendered.status().message().c_str());
    QCOMPARE(Q(*rendered), Q(c["rendered"].get<std::string>()));
  }

  void jinjaReferencePresent() {
    const json ref = ReadJson(ChatDataDir() / "jinja_reference.json");
    QVERIFY2(ref.is_object() && ref["cases"].size() >= 60, "tests/chat/data/jinja_reference.json missing");
  }

  // Built-in templates parse, and render the shapes their families use.
  void builtinTemplates() {
    const std::vector<enclave::ChatMessage> conversation = {
        {"system", "Be brief.", ""}, {"user", "Hi", ""}, {"assistant", "Hello!", ""}, {"user", "2+2?", ""}};
    TemplateContext llama;
    llama.bos_token = "<|begin_of_text|>";
    auto l3 = enclave::BuiltinTemplate(ModelFamily::kLlama3).Render(conversation, true, llama);
    QVERIFY2(l3.ok(), l3.status().message().c_str());
    QCOMPARE(Q(*l3), Q("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                       "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                       "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                       "<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|>"
                       "<|start_header_id|>assistant<|end_header_id|>\n\n"));
    auto chatml = enclave::BuiltinTemplate(ModelFamily::kQwen2ChatML).Render(conversation, true, {});
    QVERIFY2(chatml.ok(), chatml.status().message().c_str());
    QCOMPARE(Q(*chatml), Q("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                           "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n"
                           "<|im_start|>assistant\n"));
    auto no_system = enclave::BuiltinTemplate(ModelFamily::kQwen2ChatML).Render({{"user", "Hi", ""}}, false, {});
    QVERIFY(no_system.ok());
    QCOMPARE(Q(*no_system), Q("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"));
    for (ModelFamily f : {ModelFamily::kDeepSeekR1DistillQwen, ModelFamily::kDeepSeekV3, ModelFamily::kQwen2ChatML,
                          ModelFamily::kLlama3, ModelFamily::kGemma, ModelFamily::kUnknown}) {
      auto r = enclave::BuiltinTemplate(f).Render(conversation, true, {});
      QVERIFY2(r.ok(), r.status().message().c_str());
      QVERIFY(r->find("2+2?") != std::string::npos);
    }
  }

  void reasoningContentReachesTemplates() {
    auto t = ChatTemplate::Parse("{% for m in messages %}{{ m.reasoning_content is defined }}{% endfor %}");
    QVERIFY(t.ok());
    auto r = t->Render({{"user", "q", ""}, {"assistant", "a", "because"}}, false, {});
    QVERIFY(r.ok());
    QCOMPARE(Q(*r), Q("FalseTrue"));
  }

  void promptOpensReasoning() {
    QVERIFY(enclave::PromptOpensReasoning("<｜User｜>hi<｜Assistant｜><think>\n"));
    QVERIFY(enclave::PromptOpensReasoning("<think>"));
    QVERIFY(!enclave::PromptOpensReasoning("<｜User｜>hi<｜Assistant｜>"));
    QVERIFY(!enclave::PromptOpensReasoning("<think>x</think>\n"));
  }
};

QTEST_APPLESS_MAIN(TestChatTemplate)
#include "test_chat_template.moc"
