// Session: KV cache reuse across turns, cancellation, context limits, EOS and stop strings, on
// the tiny qwen2 model (a copy of its folder gets a real byte-level BPE vocabulary, whose first
// 512 ids are single bytes, so generated ids have text).
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../model/golden.h"
#include "model/model.h"
#include "hw/engine_telemetry.h"
#include "runtime/session.h"

using namespace enclave;
using namespace enclave::testing;

class TestSession : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  std::unique_ptr<Model> model_;  // tiny-qwen2 with a vocabulary
  Golden golden_;

  // tiny-qwen2 + the DeepSeek-R1-Distill-Qwen tokenizer; config edits applied to config.json.
  std::string MakeFolder(const QString& name, const nlohmann::json& config_edits) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(tmp_.path().toStdString()) / name.toStdString();
    fs::create_directories(dir);
    const fs::path src = TinyModelDir("tiny-qwen2");
    fs::copy_file(src / "model.safetensors", dir / "model.safetensors", fs::copy_options::overwrite_existing);
    fs::copy_file(TestDataDir() / "tokenizers/deepseek-r1-distill-qwen/tokenizer.json", dir / "tokenizer.json",
                  fs::copy_options::overwrite_existing);
    std::ifstream in(src / "config.json");
    nlohmann::json config = nlohmann::json::parse(in);
    config.update(config_edits);
    std::ofstream(dir / "config.json") << config.dump(2);
    return dir.string();
  }

  static GenerateOptions Greedy(int64_t n) {
    GenerateOptions o;
    o.max_tokens = n;
    o.ignore_eos = true;
    return o;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    golden_ = LoadGolden("tiny-qwen2");
    auto model = LoadModel(MakeFolder("tiny-qwen2-vocab", nlohmann::json::object()));
    QVERIFY2(model.ok(), model.status().message().c_str());
    model_ = std::move(model).value();
    QVERIFY2(model_->tokenizer(), model_->tokenizer_error().c_str());
  }

  // Turn 2 reuses turn 1's cache: only the new tokens are prefilled, and the logits equal a
  // fresh prefill of the whole conversation.
  void kvReuseMatchesFreshPrefill() {
    auto session = Session::Create(*model_, {.context = 128});
    QVERIFY(session.ok());
    auto turn1 = (*session)->Generate(golden_.input_ids, Greedy(6));
    QVERIFY(turn1.ok());
    QCOMPARE(turn1->stats.reused_tokens, int64_t{0});
    QCOMPARE(turn1->stats.prompt_tokens, int64_t(golden_.input_ids.size()));

    std::vector<int32_t> conversation = golden_.input_ids;
    conversation.insert(conversation.end(), turn1->ids.begin(), turn1->ids.end());
    for (int32_t id : {5, 77, 300, 12}) conversation.push_back(id);
    auto turn2 = (*session)->Generate(conversation, Greedy(4));
    QVERIFY(turn2.ok());
    // The cache held the prompt and the first 5 generated tokens (the 6th was never fed back).
    QCOMPARE(turn2->stats.reused_tokens, int64_t(golden_.input_ids.size() + 5));

    auto reused = (*session)->Evaluate(conversation, false);
    auto fresh_session = Session::Create(*model_, {.context = 128});
    auto fresh = (*fresh_session)->Evaluate(conversation, false);
    QVERIFY(reused.ok() && fresh.ok());
    QVERIFY2(MaxAbsDiff(reused->data(), fresh->data(), reused->size()) < 1e-4f, "reused cache differs");
    auto fresh_generate = (*fresh_session)->Generate(conversation, Greedy(4));
    QCOMPARE(fresh_generate->ids, turn2->ids);

    // A diverging prompt drops the cached suffix.
    std::vector<int32_t> other = golden_.input_ids;
    other[10] = 1;
    auto turn3 = (*session)->Generate(other, Greedy(2));
    QVERIFY(turn3.ok());
    QCOMPARE(turn3->stats.reused_tokens, int64_t{10});
  }

  // The generation publishes its phase, speed and KV use on the Monitor's timeline.
  void publishesTelemetry() {
    auto session = Session::Create(*model_, {.context = 128});
    hw::EngineTelemetry& telemetry = hw::EngineTelemetry::Global();
    telemetry.Reset();
    std::vector<hw::EngineReading> during;
    auto result = (*session)->Generate(golden_.input_ids, Greedy(6), [&](int32_t, std::string_view) {
      during.push_back(telemetry.Read());
      return true;
    });
    QVERIFY(result.ok());
    QCOMPARE(during.size(), size_t{6});
    const int64_t prompt = static_cast<int64_t>(golden_.input_ids.size());
    QCOMPARE(during.front().phase, hw::EnginePhase::kDecode);
    QVERIFY(during.front().tokens_per_s > 0);  // prefill speed until the first decode step
    QCOMPARE(during.front().kv_used_tokens, prompt);
    QCOMPARE(during.back().kv_used_tokens, prompt + 5);
    QCOMPARE(during.back().kv_capacity_tokens, int64_t{128});
    QVERIFY(during.back().kv_bytes > during.front().kv_bytes);
    const hw::EngineReading after = telemetry.Read();
    QCOMPARE(after.phase, hw::EnginePhase::kIdle);
    QCOMPARE(after.kv_used_tokens, prompt + 5);
  }

  void callbackCancels() {
    auto session = Session::Create(*model_, {.context = 128});
    int seen = 0;
    auto result = (*session)->Generate(golden_.input_ids, Greedy(20), [&](int32_t, std::string_view) {
      return ++seen < 3;
    });
    QVERIFY(result.ok());
    QCOMPARE(result->stats.stop_reason, StopReason::kCancelled);
    QCOMPARE(result->ids.size(), size_t{3});
    QCOMPARE(result->ids, std::vector<int32_t>(golden_.greedy_ids.begin(), golden_.greedy_ids.begin() + 3));
  }

  void requestCancelFromAnotherThread() {
    auto session = Session::Create(*model_, {.context = 4096});
    Session* s = session->get();
    std::atomic<int> tokens{0};
    std::thread canceller([&] {
      while (tokens.load() < 5) std::this_thread::yield();
      s->RequestCancel();
    });
    auto result = s->Generate(golden_.input_ids, Greedy(4000), [&](int32_t, std::string_view) {
      ++tokens;
      return true;
    });
    canceller.join();
    QVERIFY(result.ok());
    QCOMPARE(result->stats.stop_reason, StopReason::kCancelled);
    QVERIFY(result->ids.size() >= 5 && result->ids.size() < 4000);
  }

  void promptLongerThanContextFails() {
    auto session = Session::Create(*model_, {.context = 16});
    auto result = (*session)->Generate(golden_.input_ids, Greedy(4));  // 20 tokens
    QVERIFY(!result.ok());
    QCOMPARE(result.status().code(), ErrorCode::kInvalidArgument);
    QVERIFY2(result.status().message().find("20 tokens, the context holds 16") != std::string::npos,
             result.status().message().c_str());
  }

  void stopsWhenTheContextIsFull() {
    auto session = Session::Create(*model_, {.context = 24});
    auto result = (*session)->Generate(golden_.input_ids, Greedy(100));
    QVERIFY(result.ok());
    QCOMPARE(result->stats.stop_reason, StopReason::kContextFull);
    // 20 prompt tokens + 4 fed back fill 24 positions; the 5th token needs no slot.
    QCOMPARE(result->ids.size(), size_t{5});
  }

  void badTokenIdIsAnError() {
    auto session = Session::Create(*model_, {.context = 32});
    auto result = (*session)->Generate(std::vector<int32_t>{1, 2, 100000}, Greedy(1));
    QVERIFY(!result.ok());
    QCOMPARE(result.status().code(), ErrorCode::kInvalidArgument);
  }

  void stopStringCutsTheText() {
    auto session = Session::Create(*model_, {.context = 128});
    auto full = (*session)->Generate(golden_.input_ids, Greedy(24));
    QVERIFY(full.ok());
    QVERIFY(full->text.size() > 10);
    // A stop string from the middle of the greedy text (its first occurrence decides).
    const std::string stop = full->text.substr(6, 3);
    const size_t cut = full->text.find(stop);
    GenerateOptions opts = Greedy(24);
    opts.stop = {stop};
    std::string streamed;
    auto result = (*session)->Generate(golden_.input_ids, opts, [&](int32_t, std::string_view text) {
      streamed += text;
      return true;
    });
    QVERIFY(result.ok());
    QCOMPARE(result->stats.stop_reason, StopReason::kStopString);
    QCOMPARE(result->text, full->text.substr(0, cut));
    QCOMPARE(streamed, result->text);  // nothing of the stop string was shown

    // Without stops, the streamed pieces add up to the text.
    streamed.clear();
    auto plain = (*session)->Generate(golden_.input_ids, Greedy(24), [&](int32_t, std::string_view text) {
      streamed += text;
      return true;
    });
    QCOMPARE(streamed, plain->text);
    QCOMPARE(plain->text, full->text);
  }

  // An end-of-generation id from config.json ends generation unless EOS is ignored.
  void eosStopsGeneration() {
    // The first greedy id after position 2 not seen before it: generation ends right there.
    size_t stop_at = 3;
    while (std::count(golden_.greedy_ids.begin(), golden_.greedy_ids.begin() + static_cast<std::ptrdiff_t>(stop_at),
                      golden_.greedy_ids[stop_at]) > 0)
      ++stop_at;
    const int32_t eos = golden_.greedy_ids[stop_at];
    auto model = LoadModel(MakeFolder("tiny-qwen2-eos", {{"eos_token_id", eos}}));
    QVERIFY(model.ok());
    auto session = Session::Create(**model, {.context = 64});
    GenerateOptions opts;
    opts.max_tokens = 24;
    auto result = (*session)->Generate(golden_.input_ids, opts);
    QVERIFY(result.ok());
    QCOMPARE(result->stats.stop_reason, StopReason::kEndOfText);
    QCOMPARE(result->ids, std::vector<int32_t>(golden_.greedy_ids.begin(),
                                               golden_.greedy_ids.begin() + static_cast<std::ptrdiff_t>(stop_at)));
    opts.ignore_eos = true;
    auto ignored = (*session)->Generate(golden_.input_ids, opts);
    QCOMPARE(ignored->ids, golden_.greedy_ids);
  }

  void sameSeedSameText() {
    GenerateOptions opts;
    opts.max_tokens = 16;
    opts.ignore_eos = true;
    opts.sampling = {.temperature = 1.f, .top_p = 0.9f, .seed = 99};
    auto a = Session::Create(*model_, {.context = 64});
    auto b = Session::Create(*model_, {.context = 64});
    auto ra = (*a)->Generate(golden_.input_ids, opts);
    auto rb = (*b)->Generate(golden_.input_ids, opts);
    QCOMPARE(ra->ids, rb->ids);
    QCOMPARE(ra->text, rb->text);
    opts.sampling.seed = 100;
    auto rc = (*b)->Generate(golden_.input_ids, opts);
    QVERIFY(rc->ids != ra->ids);
  }

  void statistics() {
    auto session = Session::Create(*model_, {.context = 64});
    auto result = (*session)->Generate(golden_.input_ids, Greedy(8));
    QVERIFY(result.ok());
    const GenerateStats& s = result->stats;
    QCOMPARE(s.generated_tokens, int64_t{8});
    QCOMPARE(s.decode_steps, int64_t{7});
    QVERIFY(s.prefill_tok_s() > 0);
    QVERIFY(s.decode_tok_s() > 0);
  }
};

QTEST_APPLESS_MAIN(TestSession)
#include "test_session.moc"
