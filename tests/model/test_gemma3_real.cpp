// A real model end to end on the CPU: Gemma 3 270M Q4_K_M from the package registry
// (installer/fetch_models.sh puts it in .models/). Skips when the file is absent.
//
// The registry's file is the pretrained (base) checkpoint: it has no chat template and was not
// tuned to answer a single chat turn (asked once, it repeats the question). So the question is
// put through the Gemma chat template as a few-shot conversation, which a base model continues
// in kind, and separately as a plain completion prompt.
#include <QtTest>

#include "chat/chat_template.h"
#include "model/model.h"
#include "runtime/session.h"
#include "testdata.h"
#include "tokenizer/tokenizer.h"

using namespace enclave;

class TestGemma3Real : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<Model> model_;

  std::string Answer(const std::vector<int32_t>& prompt, int64_t max_tokens) {
    auto session = Session::Create(*model_, {.context = 512});
    if (!session.ok()) qFatal("%s", session.status().message().c_str());
    GenerateOptions opts;
    opts.max_tokens = max_tokens;
    auto result = (*session)->Generate(prompt, opts);
    if (!result.ok()) qFatal("%s", result.status().message().c_str());
    qInfo("answer: '%s' (%lld tokens, prefill %.1f tok/s, decode %.1f tok/s)", result->text.c_str(),
          static_cast<long long>(result->stats.generated_tokens), result->stats.prefill_tok_s(),
          result->stats.decode_tok_s());
    return result->text;
  }

 private slots:
  void initTestCase() {
    const auto path = enclave::testing::ModelCacheDir() / "gemma-3-270m-q4_k_m.gguf";
    if (!std::filesystem::exists(path))
      QSKIP(qPrintable("model package not installed (" + QString::fromStdString(path.string()) +
                       "): run installer/fetch_models.sh"));
    auto model = LoadModel(path.string());
    QVERIFY2(model.ok(), model.status().message().c_str());
    model_ = std::move(model).value();
    QVERIFY2(model_->tokenizer(), model_->tokenizer_error().c_str());
    const ModelConfig& c = model_->config();
    QCOMPARE(c.arch, Architecture::kGemma3);
    QCOMPARE(c.n_layers, int64_t{18});
    QCOMPARE(c.head_dim, int64_t{256});
    QCOMPARE(c.sliding_window, int64_t{512});
    QVERIFY(c.IsLocalLayer(0) && !c.IsLocalLayer(5) && c.IsLocalLayer(6));
    QCOMPARE(model_->info().quantization, std::string("Q4_K_M"));
  }

  void chatTemplateAnswersParis() {
    const Tokenizer& tok = *model_->tokenizer();
    FamilyHints hints;
    hints.chat_template = model_->chat_template();
    hints.architecture = "gemma3";
    const std::string bos = tok.TokenText(*tok.bos_id());
    hints.bos_token = bos;
    ResolvedTemplate resolved = ResolveChatTemplate(hints);
    QCOMPARE(resolved.family, ModelFamily::kGemma);
    TemplateContext context;
    context.bos_token = bos;
    auto prompt = resolved.chat_template.Render({{"user", "What is the capital of Germany?", ""},
                                                 {"assistant", "The capital of Germany is Berlin.", ""},
                                                 {"user", "What is the capital of Italy?", ""},
                                                 {"assistant", "The capital of Italy is Rome.", ""},
                                                 {"user", "What is the capital of France?", ""}},
                                                true, context);
    QVERIFY2(prompt.ok(), prompt.status().message().c_str());
    QVERIFY(prompt->find("<start_of_turn>model\n") != std::string::npos);
    const std::vector<int32_t> ids = tok.Encode(*prompt, /*add_special=*/false);
    QCOMPARE(ids.front(), *tok.bos_id());
    // <end_of_turn> ends the answer.
    const auto end_of_turn = tok.TokenId("<end_of_turn>");
    QVERIFY(end_of_turn && std::count(model_->eog_ids().begin(), model_->eog_ids().end(), *end_of_turn) == 1);
    const std::string answer = Answer(ids, 16);
    QVERIFY2(answer.find("Paris") != std::string::npos, answer.c_str());
  }

  void completionAnswersParis() {
    const std::vector<int32_t> ids = model_->tokenizer()->Encode("Question: What is the capital of France?\nAnswer:", true);
    const std::string answer = Answer(ids, 8);
    QVERIFY2(answer.find("Paris") != std::string::npos, answer.c_str());
  }
};

QTEST_APPLESS_MAIN(TestGemma3Real)
#include "test_gemma3_real.moc"
