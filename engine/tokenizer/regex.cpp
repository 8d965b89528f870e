#include "tokenizer/regex.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

#include "tokenizer/unicode.h"

namespace enclave {
namespace {

constexpr uint32_t kUnbounded = std::numeric_limits<uint32_t>::max();

// A set of code points: major categories, White_Space, explicit ranges.
struct CodepointSet {
  uint8_t categories = 0;  // bit c set: major category c (unicode::Category) belongs
  bool white_space = false;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // inclusive

  bool Has(uint32_t cp, uint8_t flags) const {
    if ((categories >> (flags & 7)) & 1) return true;
    if (white_space && (flags & unicode::kFlagWhiteSpace)) return true;
    for (const auto& [lo, hi] : ranges)
      if (cp >= lo && cp <= hi) return true;
    return false;
  }
  void Add(const CodepointSet& other) {
    categories |= other.categories;
    white_space |= other.white_space;
    ranges.insert(ranges.end(), other.ranges.begin(), other.ranges.end());
  }
};

// A bracketed class (or a single escape / literal): the union of `positive` and the
// complements of `negative`, optionally negated as a whole. ASCII answers are precomputed.
struct CharClass {
  CodepointSet positive;
  std::vector<CodepointSet> negative;
  bool negated = false;
  std::array<uint64_t, 2> ascii{};  // membership bitmap for code points < 128

  bool Slow(uint32_t cp, uint8_t flags) const {
    bool in = positive.Has(cp, flags);
    for (const CodepointSet& s : negative) in = in || !s.Has(cp, flags);
    return in != negated;
  }
  void Finalize() {
    for (uint32_t cp = 0; cp < 128; ++cp)
      if (Slow(cp, unicode::Flags(cp))) ascii[cp >> 6] |= uint64_t{1} << (cp & 63);
  }
  bool Matches(uint32_t cp, uint8_t flags) const {
    if (cp < 128) return (ascii[cp >> 6] >> (cp & 63)) & 1;
    return Slow(cp, flags);
  }
};

enum class Op : uint8_t {
  kClass,   // one code point of classes[cls]
  kRepeat,  // greedy run of classes[cls], between min and max times
  kSplit,   // try x, on failure y
  kJmp,     // go to x
  kLook,    // lookahead: codes[x] must (or, negate, must not) match here
  kStart,   // at the subject's start
  kEnd,     // at the subject's end
  kMatch,
};

struct Inst {
  Op op = Op::kMatch;
  bool negate = false;
  uint32_t cls = 0;
  uint32_t min = 0, max = 0;
  int32_t x = 0, y = 0;
};

struct Node {
  enum Kind { kClass, kConcat, kAlt, kRepeat, kLook, kStart, kEnd } kind = kConcat;
  uint32_t cls = 0;
  uint32_t min = 0, max = 0;
  bool negate = false;
  std::vector<Node> kids;
};

bool IsAsciiLetter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Recursive-descent parser from pattern code points to a Node tree and a class table.
class Parser {
 public:
  Parser(const std::string& pattern, std::vector<CharClass>& classes) : classes_(classes) {
    for (size_t pos = 0; pos < pattern.size();) p_.push_back(unicode::DecodeUtf8(pattern, pos));
  }

  Expected<Node> ParseAll() {
    Node n = ParseAlt(false);
    if (!error_.empty()) return Fail();
    if (i_ < p_.size()) {
      error_ = "unbalanced ')'";
      return Fail();
    }
    return n;
  }

 private:
  Status Fail() const {
    return BadInput("pre-tokenizer regex: " + error_ + " at offset " + std::to_string(i_));
  }
  bool AtEnd() const { return i_ >= p_.size(); }
  uint32_t Peek(size_t ahead = 0) const { return i_ + ahead < p_.size() ? p_[i_ + ahead] : 0; }

  Node ParseAlt(bool case_insensitive) {
    Node alt{Node::kAlt};
    alt.kids.push_back(ParseConcat(case_insensitive));
    while (error_.empty() && !AtEnd() && Peek() == '|') {
      ++i_;
      alt.kids.push_back(ParseConcat(case_insensitive));
    }
    if (alt.kids.size() == 1) return std::move(alt.kids[0]);
    return alt;
  }

  Node ParseConcat(bool ci) {
    Node seq{Node::kConcat};
    while (error_.empty() && !AtEnd() && Peek() != '|' && Peek() != ')') {
      Node atom = ParseAtom(ci);
      if (!error_.empty()) break;
      ParseQuantifier(atom);
      seq.kids.push_back(std::move(atom));
    }
    return seq;
  }

  void ParseQuantifier(Node& atom) {
    if (AtEnd()) return;
    uint32_t min = 0, max = 0;
    const uint32_t c = Peek();
    if (c == '?') {
      max = 1;
    } else if (c == '*') {
      max = kUnbounded;
    } else if (c == '+') {
      min = 1;
      max = kUnbounded;
    } else if (c == '{' && IsDigit(Peek(1))) {
      ++i_;
      min = max = ReadNumber();
      if (Peek() == ',') {
        ++i_;
        max = IsDigit(Peek()) ? ReadNumber() : kUnbounded;
      }
      if (Peek() != '}' || max < min) {
        error_ = "bad {n,m} quantifier";
        return;
      }
      if (min > 1000 || (max != kUnbounded && max > 1000)) {
        error_ = "repetition count above 1000";
        return;
      }
    } else {
      return;
    }
    ++i_;
    if (Peek() == '?' || Peek() == '+') {
      error_ = "lazy and possessive quantifiers are not supported";
      return;
    }
    if (atom.kind == Node::kStart || atom.kind == Node::kEnd || atom.kind == Node::kLook) {
      error_ = "quantifier after an assertion";
      return;
    }
    Node rep{Node::kRepeat};
    rep.min = min;
    rep.max = max;
    rep.kids.push_back(std::move(atom));
    atom = std::move(rep);
  }

  static bool IsDigit(uint32_t c) { return c >= '0' && c <= '9'; }
  uint32_t ReadNumber() {
    uint32_t v = 0;
    while (IsDigit(Peek()) && v < 100000) v = v * 10 + (p_[i_++] - '0');
    return v;
  }

  Node ClassNode(CharClass cls) {
    cls.Finalize();
    classes_.push_back(std::move(cls));
    Node n{Node::kClass};
    n.cls = static_cast<uint32_t>(classes_.size() - 1);
    return n;
  }

  static void AddLiteral(CodepointSet& set, uint32_t lo, uint32_t hi, bool ci) {
    set.ranges.emplace_back(lo, hi);
    if (!ci) return;
    for (uint32_t c = std::max<uint32_t>(lo, 'A'); c <= std::min<uint32_t>(hi, 'z'); ++c)
      if (IsAsciiLetter(c)) set.ranges.emplace_back(c ^ 0x20, c ^ 0x20);
  }

  Node ParseAtom(bool ci) {
    const uint32_t c = p_[i_++];
    switch (c) {
      case '(': return ParseGroup(ci);
      case '[': return ParseBracket(ci);
      case '^': return Node{Node::kStart};
      case '$': return Node{Node::kEnd};
      case '.': {
        CharClass cls;
        cls.negated = true;
        cls.positive.ranges.emplace_back('\n', '\n');
        return ClassNode(std::move(cls));
      }
      case '\\': {
        if (Peek() == 'A' || Peek() == 'z') {
          const bool start = p_[i_++] == 'A';
          return Node{start ? Node::kStart : Node::kEnd};
        }
        CharClass cls;
        bool negated_set = false;
        CodepointSet set;
        if (!ParseEscape(set, negated_set, ci)) return {};
        if (negated_set) cls.negative.push_back(std::move(set));
        else cls.positive = std::move(set);
        return ClassNode(std::move(cls));
      }
      case ')': case '*': case '+': case '?': case '|':
        error_ = "unexpected '" + std::string(1, static_cast<char>(c)) + "'";
        return {};
      default: {
        CharClass cls;
        AddLiteral(cls.positive, c, c, ci);
        return ClassNode(std::move(cls));
      }
    }
  }

  Node ParseGroup(bool ci) {
    Node n{Node::kConcat};
    bool look = false, negate = false;
    if (Peek() == '?') {
      const uint32_t k = Peek(1);
      if (k == ':') {
        i_ += 2;
      } else if (k == '!' || k == '=') {
        look = true;
        negate = k == '!';
        i_ += 2;
      } else if (k == 'i' && Peek(2) == ':') {
        ci = true;
        i_ += 3;
      } else {
        error_ = "unsupported group syntax (?" + std::string(1, static_cast<char>(k));
        return {};
      }
    }
    Node body = ParseAlt(ci);
    if (!error_.empty()) return {};
    if (AtEnd() || Peek() != ')') {
      error_ = "missing ')'";
      return {};
    }
    ++i_;
    if (!look) return body;
    n.kind = Node::kLook;
    n.negate = negate;
    n.kids.push_back(std::move(body));
    return n;
  }

  // After a backslash. Either a set (\p{L}, \s ...: negated_set tells whether to complement
  // it) or a literal code point (returned as a one-code-point range).
  bool ParseEscape(CodepointSet& set, bool& negated_set, bool ci) {
    if (AtEnd()) {
      error_ = "trailing backslash";
      return false;
    }
    const uint32_t e = p_[i_++];
    negated_set = false;
    switch (e) {
      case 'p': case 'P': {
        negated_set = (e == 'P');
        std::string name;
        if (Peek() == '{') {
          ++i_;
          while (!AtEnd() && Peek() != '}') name.push_back(static_cast<char>(p_[i_++]));
          if (AtEnd()) {
            error_ = "missing '}' in \\p{...}";
            return false;
          }
          ++i_;
        } else if (!AtEnd()) {
          name.push_back(static_cast<char>(p_[i_++]));
        }
        static constexpr std::pair<const char*, unicode::Category> kNames[] = {
            {"L", unicode::kLetter}, {"Letter", unicode::kLetter}, {"N", unicode::kNumber},
            {"Number", unicode::kNumber}, {"P", unicode::kPunctuation},
            {"Punctuation", unicode::kPunctuation}, {"S", unicode::kSymbol}, {"Symbol", unicode::kSymbol},
            {"M", unicode::kMark}, {"Mark", unicode::kMark}, {"Z", unicode::kSeparator},
            {"Separator", unicode::kSeparator}, {"C", unicode::kOther}, {"Other", unicode::kOther}};
        for (const auto& [n, cat] : kNames) {
          if (name == n) {
            set.categories |= static_cast<uint8_t>(1u << cat);
            if (cat == unicode::kOther) set.categories |= 1u << unicode::kUnassigned;
            return true;
          }
        }
        error_ = "unsupported Unicode class \\p{" + name + "}";
        return false;
      }
      case 's': case 'S': set.white_space = true, negated_set = (e == 'S'); return true;
      case 'd': case 'D': set.ranges.emplace_back('0', '9'), set.categories |= 1u << unicode::kNumber;
        negated_set = (e == 'D');
        return true;
      case 'w': case 'W':
        set.categories |= (1u << unicode::kLetter) | (1u << unicode::kNumber) | (1u << unicode::kMark);
        set.ranges.emplace_back('_', '_');
        negated_set = (e == 'W');
        return true;
      case 'r': set.ranges.emplace_back('\r', '\r'); return true;
      case 'n': set.ranges.emplace_back('\n', '\n'); return true;
      case 't': set.ranges.emplace_back('\t', '\t'); return true;
      case 'f': set.ranges.emplace_back('\f', '\f'); return true;
      case 'v': set.ranges.emplace_back('\v', '\v'); return true;
      case '0': set.ranges.emplace_back(0, 0); return true;
      case 'x': case 'u': {
        uint32_t v = 0;
        int digits = 0;
        const bool braced = Peek() == '{';
        if (braced) ++i_;
        const int max_digits = braced ? 6 : (e == 'x' ? 2 : 4);
        while (digits < max_digits && std::isxdigit(static_cast<int>(Peek())) && Peek() < 128) {
          const uint32_t h = p_[i_++];
          v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          ++digits;
        }
        if (braced && Peek() == '}') ++i_;
        else if (braced || digits == 0) {
          error_ = "bad \\x / \\u escape";
          return false;
        }
        set.ranges.emplace_back(v, v);
        return true;
      }
      default:
        if (IsAsciiLetter(e) || IsDigit(e)) {
          error_ = "unsupported escape \\" + std::string(1, static_cast<char>(e));
          return false;
        }
        AddLiteral(set, e, e, ci);
        return true;
    }
  }

  // One literal inside brackets, for range ends: a plain code point or a single-code-point escape.
  bool ClassLiteral(uint32_t& out) {
    if (Peek() != '\\') {
      out = p_[i_++];
      return true;
    }
    ++i_;
    CodepointSet set;
    bool negated = false;
    if (!ParseEscape(set, negated, false)) return false;
    if (negated || set.categories || set.white_space || set.ranges.size() != 1 ||
        set.ranges[0].first != set.ranges[0].second) {
      error_ = "class escape used as a range end";
      return false;
    }
    out = set.ranges[0].first;
    return true;
  }

  Node ParseBracket(bool ci) {
    CharClass cls;
    if (Peek() == '^') cls.negated = true, ++i_;
    bool first = true;
    while (!AtEnd() && (Peek() != ']' || first)) {
      first = false;
      if (Peek() == '[') {
        error_ = "nested classes are not supported";
        return {};
      }
      const bool set_escape = Peek() == '\\' && Peek(1) < 128 &&
                              std::string_view("pPsSdDwW").find(static_cast<char>(Peek(1))) != std::string_view::npos;
      if (set_escape) {
        ++i_;
        CodepointSet set;
        bool negated = false;
        if (!ParseEscape(set, negated, ci)) return {};
        if (negated) cls.negative.push_back(std::move(set));
        else cls.positive.Add(set);
        continue;
      }
      uint32_t lo = 0;
      if (!ClassLiteral(lo)) return {};
      uint32_t hi = lo;
      if (Peek() == '-' && Peek(1) != ']' && i_ + 1 < p_.size()) {
        ++i_;
        if (!ClassLiteral(hi)) return {};
        if (hi < lo) {
          error_ = "bad class range";
          return {};
        }
      }
      AddLiteral(cls.positive, lo, hi, ci);
    }
    if (AtEnd()) {
      error_ = "missing ']'";
      return {};
    }
    ++i_;
    return ClassNode(std::move(cls));
  }

  std::vector<uint32_t> p_;
  size_t i_ = 0;
  std::string error_;
  std::vector<CharClass>& classes_;
};

}  // namespace

struct Regex::Program {
  std::vector<CharClass> classes;
  std::vector<std::vector<Inst>> codes;  // [0] the pattern, then one per lookahead body

  void Emit(const Node& n, std::vector<Inst>& code) {
    switch (n.kind) {
      case Node::kClass: code.push_back({Op::kClass, false, n.cls}); break;
      case Node::kStart: code.push_back({Op::kStart}); break;
      case Node::kEnd: code.push_back({Op::kEnd}); break;
      case Node::kConcat:
        for (const Node& k : n.kids) Emit(k, code);
        break;
      case Node::kAlt: {
        std::vector<size_t> jumps;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          const bool last = i + 1 == n.kids.size();
          const size_t split = code.size();
          if (!last) code.push_back({Op::kSplit, false, 0, 0, 0, static_cast<int32_t>(split + 1)});
          Emit(n.kids[i], code);
          if (!last) {
            jumps.push_back(code.size());
            code.push_back({Op::kJmp});
            code[split].y = static_cast<int32_t>(code.size());
          }
        }
        for (size_t j : jumps) code[j].x = static_cast<int32_t>(code.size());
        break;
      }
      case Node::kRepeat: {
        const Node& body = n.kids[0];
        if (body.kind == Node::kClass) {
          code.push_back({Op::kRepeat, false, body.cls, n.min, n.max});
          break;
        }
        for (uint32_t i = 0; i < n.min; ++i) Emit(body, code);
        if (n.max == kUnbounded) {
          const size_t loop = code.size();
          code.push_back({Op::kSplit, false, 0, 0, 0, static_cast<int32_t>(loop + 1)});
          Emit(body, code);
          code.push_back({Op::kJmp, false, 0, 0, 0, static_cast<int32_t>(loop)});
          code[loop].y = static_cast<int32_t>(code.size());
        } else {
          std::vector<size_t> splits;
          for (uint32_t i = n.min; i < n.max; ++i) {
            splits.push_back(code.size());
            code.push_back({Op::kSplit, false, 0, 0, 0, static_cast<int32_t>(code.size() + 1)});
            Emit(body, code);
          }
          for (size_t s : splits) code[s].y = static_cast<int32_t>(code.size());
        }
        break;
      }
      case Node::kLook: {
        std::vector<Inst> sub;
        Emit(n.kids[0], sub);
        sub.push_back({Op::kMatch});
        codes.push_back(std::move(sub));
        code.push_back({Op::kLook, n.negate, 0, 0, 0, static_cast<int32_t>(codes.size() - 1)});
        break;
      }
    }
  }

  struct Choice {
    int32_t pc;
    uint32_t lo;  // repeat: smallest end still to try; split: unused
    uint32_t hi;  // repeat: the end being tried; split: the position to resume at
    bool repeat;
  };

  // Runs codes[code_index] anchored at `pos`; sets match_end on success.
  bool Run(size_t code_index, const CodepointText& t, uint32_t begin, uint32_t end, uint32_t pos,
           uint32_t& match_end, std::vector<Choice>& stack) const {
    const std::vector<Inst>& code = codes[code_index];
    const size_t base = stack.size();
    int32_t pc = 0;
    uint32_t p = pos;
    for (;;) {
      const Inst& in = code[pc];
      bool ok = true;
      switch (in.op) {
        case Op::kClass:
          ok = p < end && classes[in.cls].Matches(t.cps[p], t.flags[p]);
          if (ok) ++p, ++pc;
          break;
        case Op::kRepeat: {
          const CharClass& cls = classes[in.cls];
          uint32_t n = 0;
          while (n < in.max && p + n < end && cls.Matches(t.cps[p + n], t.flags[p + n])) ++n;
          ok = n >= in.min;
          if (ok) {
            if (n > in.min) stack.push_back({pc + 1, p + in.min, p + n, true});
            p += n;
            ++pc;
          }
          break;
        }
        case Op::kSplit:
          stack.push_back({in.y, 0, p, false});
          pc = in.x;
          break;
        case Op::kJmp: pc = in.x; break;
        case Op::kLook: {
          uint32_t unused = 0;
          const bool matched = Run(static_cast<size_t>(in.x), t, begin, end, p, unused, stack);
          ok = matched != in.negate;
          if (ok) ++pc;
          break;
        }
        case Op::kStart: ok = p == begin; if (ok) ++pc; break;
        case Op::kEnd: ok = p == end; if (ok) ++pc; break;
        case Op::kMatch:
          match_end = p;
          stack.resize(base);
          return true;
      }
      if (ok) continue;
      for (;;) {  // backtrack to the most recent choice
        if (stack.size() == base) return false;
        Choice& c = stack.back();
        if (c.repeat) {
          if (c.hi > c.lo) {
            p = --c.hi;
            pc = c.pc;
            break;
          }
          stack.pop_back();
        } else {
          p = c.hi;
          pc = c.pc;
          stack.pop_back();
          break;
        }
      }
    }
  }
};

Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

Expected<Regex> Regex::Compile(const std::string& pattern) {
  Regex re;
  re.pattern_ = pattern;
  re.program_ = std::make_unique<Program>();
  Parser parser(pattern, re.program_->classes);
  ENCLAVE_ASSIGN_OR_RETURN(Node root, parser.ParseAll());
  re.program_->codes.emplace_back();
  std::vector<Inst> main;
  re.program_->Emit(root, main);
  main.push_back({Op::kMatch});
  re.program_->codes[0] = std::move(main);
  return re;
}

void Regex::FindAll(const CodepointText& text, uint32_t begin, uint32_t end,
                    std::vector<std::pair<uint32_t, uint32_t>>& matches) const {
  thread_local std::vector<Program::Choice> stack;
  for (uint32_t pos = begin; pos < end;) {
    uint32_t match_end = 0;
    if (program_->Run(0, text, begin, end, pos, match_end, stack) && match_end > pos) {
      matches.emplace_back(pos, match_end);
      pos = match_end;
    } else {
      ++pos;
    }
  }
}

void CodepointText::Assign(std::string_view utf8) {
  cps.clear();
  flags.clear();
  bytes.clear();
  for (size_t pos = 0; pos < utf8.size();) {
    bytes.push_back(static_cast<uint32_t>(pos));
    const uint32_t cp = unicode::DecodeUtf8(utf8, pos);
    cps.push_back(cp);
    flags.push_back(unicode::Flags(cp));
  }
  bytes.push_back(static_cast<uint32_t>(utf8.size()));
}

}  // namespace enclave
