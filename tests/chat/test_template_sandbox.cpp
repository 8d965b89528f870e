// Hostile templates: every bound (nesting, loop iterations, output size, source size, integer
// range) fails with an error saying which, and random garbage never crashes the interpreter.
#include <QtTest>

#include <random>

#include "chat/chat_template.h"

using enclave::ChatTemplate;
using enclave::TemplateLimits;

namespace {

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Parse and render; returns the error message, or "" when it rendered.
std::string ErrorOf(const std::string& source, TemplateLimits limits = {}) {
  auto parsed = ChatTemplate::Parse(source, limits);
  if (!parsed.ok()) return parsed.status().message();
  auto rendered = parsed->Render({{"user", "hi", ""}}, true, {});
  return rendered.ok() ? std::string() : rendered.status().message();
}

}  // namespace

class TestTemplateSandbox : public QObject {
  Q_OBJECT

 private slots:
  void limits_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("nested ifs") << QString::fromStdString(Repeat("{% if true %}", 20000) + "x" + Repeat("{% endif %}", 20000))
                                << "nests deeper";
    QTest::newRow("nested parens") << QString::fromStdString("{{ " + Repeat("(", 100000) + "1" + Repeat(")", 100000) + " }}")
                                   << "nests deeper";
    QTest::newRow("nested lists") << QString::fromStdString("{{ " + Repeat("[", 100000) + Repeat("]", 100000) + " }}")
                                  << "nests deeper";
    QTest::newRow("long operator chain") << QString::fromStdString("{{ 1" + Repeat(" + 1", 200000) + " }}") << "nests deeper";
    QTest::newRow("long not chain") << QString::fromStdString("{{ " + Repeat("not ", 100000) + "x }}") << "nests deeper";
    QTest::newRow("long filter chain") << QString::fromStdString("{{ 'x'" + Repeat(" | trim", 100000) + " }}") << "nests deeper";
    QTest::newRow("long attribute chain") << QString::fromStdString("{{ x" + Repeat(".y", 100000) + " }}") << "nests deeper";
    QTest::newRow("huge range") << "{% for i in range(1000000000000) %}x{% endfor %}" << "range()";
    QTest::newRow("range overflow") << "{{ range(-9223372036854775807, 9223372036854775807) | length }}" << "range()";
    QTest::newRow("nested loops") << "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(10) %}"
                                     "{% endfor %}{% endfor %}{% endfor %}"
                                  << "iterations";
    QTest::newRow("output size") << "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}" << "exceeds the limit";
    QTest::newRow("string repeat") << "{{ 'x' * 1000000000000 }}" << "exceeds the output limit";
    QTest::newRow("list repeat") << "{{ ([1] * 1000000000000) | length }}" << "exceeds the output limit";
    QTest::newRow("doubling") << "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}"
                              << "exceeds the output limit";
    QTest::newRow("macro recursion") << "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}" << "nests deeper";
    QTest::newRow("integer power") << "{{ 2 ** 100 }}" << "overflow";
    QTest::newRow("integer add") << "{{ 9223372036854775807 + 1 }}" << "overflow";
    QTest::newRow("integer literal") << "{{ 99999999999999999999999 }}" << "too large";
    QTest::newRow("unterminated print") << "{{ messages" << "never closed";
    QTest::newRow("unterminated block") << "{% if true" << "never closed";
    QTest::newRow("unterminated comment") << "{# note" << "never closed";
    QTest::newRow("unterminated raw") << "{% raw %}abc" << "never closed";
    QTest::newRow("unterminated string") << "{{ \"abc }}" << "never closed";
    QTest::newRow("unbalanced bracket") << "{{ (1 }}" << "unexpected '}'";
    QTest::newRow("nested list values") << "{% set ns = namespace(x=none) %}{% for i in range(100000) %}"
                                           "{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}"
                                        << "values nest deeper";
    QTest::newRow("nested dict values") << "{% set ns = namespace(x=none) %}{% for i in range(100000) %}"
                                           "{% set ns.x = dict(a=ns.x) %}{% endfor %}{{ ns.x | tojson }}"
                                        << "values nest deeper";
    QTest::newRow("division by zero") << "{{ 1 // 0 }}" << "division by zero";
  }

  void limits() {
    QFETCH(QString, source);
    QFETCH(QString, mentions);
    const std::string error = ErrorOf(source.toStdString());
    QVERIFY2(!error.empty(), "expected an error");
    QVERIFY2(error.find(mentions.toStdString()) != std::string::npos, error.c_str());
  }

  void configuredLimits() {
    TemplateLimits small;
    small.max_output_bytes = 100;
    QVERIFY(ErrorOf("{{ 'x' * 50 }}", small).empty());
    QVERIFY(ErrorOf("{{ 'x' * 101 }}", small).find("exceeds") != std::string::npos);
    small.max_loop_iterations = 10;
    QVERIFY(ErrorOf("{% for i in range(10) %}{% endfor %}", small).empty());
    QVERIFY(ErrorOf("{% for i in range(5) %}{% for j in range(3) %}{% endfor %}{% endfor %}", small).find("iterations") !=
            std::string::npos);
    small.max_source_bytes = 10;
    QVERIFY(ErrorOf("0123456789abc", small).find("over the limit") != std::string::npos);
    small = {};
    small.max_depth = 10;
    QVERIFY(ErrorOf("{{ (1) }}", small).empty());  // each parenthesis costs a few parser levels
    QVERIFY(ErrorOf("{{ ((((((((((((1)))))))))))) }}", small).find("nests deeper") != std::string::npos);
  }

  // Nothing in a template reaches Python objects, files or the environment.
  void noEscapeHatches() {
    auto t = ChatTemplate::Parse("{{ ''.__class__ }}|{{ messages.__init__ }}|{{ self }}|{{ config }}|{{ environ }}|"
                                 "{{ cycler }}|{{ lipsum }}|{{ request }}");
    QVERIFY(t.ok());
    auto r = t->Render({{"user", "hi", ""}}, false, {});
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(QString::fromStdString(*r), QString("|||||||"));
    QVERIFY(!ErrorOf("{{ ''.__class__.__mro__ }}").empty());  // attribute of undefined
    QVERIFY(!ErrorOf("{% include '/etc/passwd' %}").empty());
    QVERIFY(!ErrorOf("{% from 'os' import environ %}").empty());
  }

  // A namespace that holds itself prints without recursing (and is freed: see the ASan build).
  void namespaceCycle() {
    auto t = ChatTemplate::Parse("{% set ns = namespace() %}{% set ns.me = ns %}{% set ns.l = [ns] %}"
                                 "{{ ns }}|{{ ns.me.me.me }}|{{ ns.l }}|{{ ns == ns.me }}");
    QVERIFY(t.ok());
    auto r = t->Render({}, false, {});
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(QString::fromStdString(*r), QString("<Namespace>|<Namespace>|[<Namespace>]|True"));
  }

  // Random fragments of template syntax: any outcome but a crash or a hang is fine.
  void randomGarbageNeverCrashes() {
    const std::vector<std::string> fragments = {
        "{{", "}}", "{%", "%}", "{#", "#}", "-", "+", "if", "for", "in", "endif", "endfor", "set", "=", "x", "ns",
        "namespace(", ")", "(", "[", "]", "{", "}", ",", ":", ".", "|", "trim", "length", "'", "\"", "\\", "1", "0",
        "-1", "range(", "loop", "messages", "not", "and", "or", "is", "defined", "~", "*", "**", "//", "%", " ",
        "\n", "else", "elif", "macro", "endmacro", "raw", "endraw", "[::-1]", "[1:]", "split(", "items()", "none"};
    std::mt19937 rng(12345);
    TemplateLimits limits;
    limits.max_loop_iterations = 10000;
    limits.max_output_bytes = 1 << 16;
    int parsed = 0;
    for (int round = 0; round < 5000; ++round) {
      std::string source;
      const int n = 1 + int(rng() % 40);
      for (int i = 0; i < n; ++i) source += fragments[rng() % fragments.size()];
      auto t = ChatTemplate::Parse(source, limits);
      if (!t.ok()) {
        QVERIFY(!t.status().message().empty());
        continue;
      }
      ++parsed;
      auto r = t->Render({{"user", "hi", ""}, {"assistant", "yo", ""}}, true, {});
      if (!r.ok()) QVERIFY(!r.status().message().empty());
    }
    QVERIFY(parsed > 0);  // some garbage is valid text
  }
};

QTEST_APPLESS_MAIN(TestTemplateSandbox)
#include "test_template_sandbox.moc"
