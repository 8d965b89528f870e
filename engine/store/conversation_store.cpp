#include "store/conversation_store.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "store/schema.h"

namespace enclave::store {
namespace {

constexpr const char* kConversationColumns =
    "id, title, created_at, updated_at, system_prompt, sampling_json, hide_reasoning, active_leaf_id";
constexpr const char* kMessageColumns =
    "id, conversation_id, parent_id, role, content, reasoning, reasoning_ms, state, model, "
    "token_count, error, created_at";

std::string SamplingToJson(const SamplingSettings& s) {
  nlohmann::json j = {{"temperature", s.temperature}, {"top_p", s.top_p}, {"top_k", s.top_k},
                      {"max_tokens", s.max_tokens},   {"seed", s.seed}};
  return j.dump();
}

// Missing or malformed fields keep their defaults: the column predates some of them.
SamplingSettings SamplingFromJson(const std::string& text) {
  SamplingSettings s;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return s;
  auto number = [&](const char* key, auto& field) {
    auto it = j.find(key);
    if (it != j.end() && it->is_number()) field = it->get<std::decay_t<decltype(field)>>();
  };
  number("temperature", s.temperature);
  number("top_p", s.top_p);
  number("top_k", s.top_k);
  number("max_tokens", s.max_tokens);
  number("seed", s.seed);
  return s;
}

Conversation ReadConversation(const SqliteStatement& row) {
  Conversation c;
  c.id = row.ColumnInt(0);
  c.title = row.ColumnText(1);
  c.created_at_ms = row.ColumnInt(2);
  c.updated_at_ms = row.ColumnInt(3);
  c.settings.system_prompt = row.ColumnText(4);
  c.settings.sampling = SamplingFromJson(row.ColumnText(5));
  c.settings.hide_reasoning = row.ColumnInt(6) != 0;
  c.active_leaf_id = row.ColumnOptionalInt(7);
  return c;
}

Message ReadMessage(const SqliteStatement& row) {
  Message m;
  m.id = row.ColumnInt(0);
  m.conversation_id = row.ColumnInt(1);
  m.parent_id = row.ColumnOptionalInt(2);
  m.role = ParseRole(row.ColumnText(3)).value_or(MessageRole::kUser);
  m.content = row.ColumnText(4);
  m.reasoning = row.ColumnText(5);
  m.reasoning_ms = row.ColumnInt(6);
  m.state = ParseState(row.ColumnText(7)).value_or(MessageState::kComplete);
  m.model = row.ColumnText(8);
  m.token_count = row.ColumnInt(9);
  m.error = row.ColumnText(10);
  m.created_at_ms = row.ColumnInt(11);
  return m;
}

// LIKE pattern matching `text` literally anywhere ('\' escapes % and _).
std::string ContainsPattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

}  // namespace

int64_t NowMilliseconds() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Expected<std::unique_ptr<ConversationStore>> ConversationStore::Open(const std::string& path) {
  ENCLAVE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db, SqliteDatabase::Open(path));
  ENCLAVE_RETURN_IF_ERROR(MigrateSchema(*db));
  ENCLAVE_RETURN_IF_ERROR(db->Execute("UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'"));
  return std::unique_ptr<ConversationStore>(new ConversationStore(std::move(db)));
}

Expected<int64_t> ConversationStore::CreateConversation(const std::string& title,
                                                        const ConversationSettings& settings) {
  const int64_t now = NowMilliseconds();
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("INSERT INTO conversations (title, created_at, updated_at, "
                                        "system_prompt, sampling_json, hide_reasoning) "
                                        "VALUES (?1, ?2, ?2, ?3, ?4, ?5)"));
  stmt.Bind(1, title).Bind(2, now).Bind(3, settings.system_prompt)
      .Bind(4, SamplingToJson(settings.sampling)).Bind(5, int64_t{settings.hide_reasoning});
  ENCLAVE_RETURN_IF_ERROR(stmt.Run());
  return db_->LastInsertId();
}

Expected<Conversation> ConversationStore::GetConversation(int64_t id) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare(std::string("SELECT ") + kConversationColumns +
                                        " FROM conversations WHERE id = ?1"));
  stmt.Bind(1, id);
  ENCLAVE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("conversation " + std::to_string(id) + " does not exist");
  return ReadConversation(stmt);
}

Expected<std::vector<Conversation>> ConversationStore::ListConversations(const std::string& query) {
  std::string sql = std::string("SELECT ") + kConversationColumns + " FROM conversations c";
  if (!query.empty())
    sql += " WHERE c.title LIKE ?1 ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m WHERE "
           "m.conversation_id = c.id AND (m.content LIKE ?1 ESCAPE '\\'))";
  sql += " ORDER BY c.updated_at DESC, c.id DESC";
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt, db_->Prepare(sql));
  if (!query.empty()) stmt.Bind(1, ContainsPattern(query));
  std::vector<Conversation> result;
  while (true) {
    ENCLAVE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    result.push_back(ReadConversation(stmt));
  }
  return result;
}

Status ConversationStore::RenameConversation(int64_t id, const std::string& title) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("UPDATE conversations SET title = ?2 WHERE id = ?1"));
  stmt.Bind(1, id).Bind(2, title);
  ENCLAVE_RETURN_IF_ERROR(stmt.Run());
  if (db_->Changes() == 0) return NotFound("conversation " + std::to_string(id) + " does not exist");
  return Status::Ok();
}

Status ConversationStore::UpdateSettings(int64_t id, const ConversationSettings& settings) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("UPDATE conversations SET system_prompt = ?2, "
                                        "sampling_json = ?3, hide_reasoning = ?4 WHERE id = ?1"));
  stmt.Bind(1, id).Bind(2, settings.system_prompt).Bind(3, SamplingToJson(settings.sampling))
      .Bind(4, int64_t{settings.hide_reasoning});
  ENCLAVE_RETURN_IF_ERROR(stmt.Run());
  if (db_->Changes() == 0) return NotFound("conversation " + std::to_string(id) + " does not exist");
  return Status::Ok();
}

Status ConversationStore::DeleteConversation(int64_t id) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt, db_->Prepare("DELETE FROM conversations WHERE id = ?1"));
  stmt.Bind(1, id);
  return stmt.Run();
}

Status ConversationStore::Touch(int64_t conversation_id) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("UPDATE conversations SET updated_at = ?2 WHERE id = ?1"));
  stmt.Bind(1, conversation_id).Bind(2, NowMilliseconds());
  return stmt.Run();
}

Status ConversationStore::SetActiveLeaf(int64_t conversation_id, int64_t message_id) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("UPDATE conversations SET active_leaf_id = ?2 WHERE id = ?1"));
  stmt.Bind(1, conversation_id).Bind(2, message_id);
  return stmt.Run();
}

Expected<int64_t> ConversationStore::AddMessage(int64_t conversation_id, std::optional<int64_t> parent_id,
                                                MessageRole role, const std::string& content,
                                                MessageState state, const std::string& model) {
  SqliteTransaction tx(*db_);
  ENCLAVE_RETURN_IF_ERROR(tx.status());
  if (parent_id) {
    ENCLAVE_ASSIGN_OR_RETURN(Message parent, GetMessage(*parent_id));
    if (parent.conversation_id != conversation_id)
      return InvalidArgument("message " + std::to_string(*parent_id) + " belongs to another conversation");
  }
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("INSERT INTO messages (conversation_id, parent_id, role, "
                                        "content, state, model, created_at) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.Bind(1, conversation_id).Bind(2, parent_id).Bind(3, RoleName(role)).Bind(4, content)
      .Bind(5, StateName(state)).Bind(6, model).Bind(7, NowMilliseconds());
  ENCLAVE_RETURN_IF_ERROR(stmt.Run());
  const int64_t id = db_->LastInsertId();
  ENCLAVE_RETURN_IF_ERROR(SetActiveLeaf(conversation_id, id));
  ENCLAVE_RETURN_IF_ERROR(Touch(conversation_id));
  ENCLAVE_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Expected<Message> ConversationStore::GetMessage(int64_t id) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt, db_->Prepare(std::string("SELECT ") + kMessageColumns +
                                                              " FROM messages WHERE id = ?1"));
  stmt.Bind(1, id);
  ENCLAVE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("message " + std::to_string(id) + " does not exist");
  return ReadMessage(stmt);
}

Status ConversationStore::UpdateMessage(int64_t id, const std::string& content, const std::string& reasoning,
                                        int64_t reasoning_ms, MessageState state, int64_t token_count,
                                        const std::string& error) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("UPDATE messages SET content = ?2, reasoning = ?3, "
                                        "reasoning_ms = ?4, state = ?5, token_count = ?6, error = ?7 "
                                        "WHERE id = ?1"));
  stmt.Bind(1, id).Bind(2, content).Bind(3, reasoning).Bind(4, reasoning_ms).Bind(5, StateName(state))
      .Bind(6, token_count).Bind(7, error);
  ENCLAVE_RETURN_IF_ERROR(stmt.Run());
  if (db_->Changes() == 0) return NotFound("message " + std::to_string(id) + " does not exist");
  return Status::Ok();
}

Expected<std::optional<int64_t>> ConversationStore::ActiveLeaf(int64_t conversation_id) {
  ENCLAVE_ASSIGN_OR_RETURN(Conversation c, GetConversation(conversation_id));
  if (c.active_leaf_id) return c.active_leaf_id;
  // Databases from schema 1 (linear conversations) have no active leaf: the newest message is.
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("SELECT MAX(id) FROM messages WHERE conversation_id = ?1"));
  stmt.Bind(1, conversation_id);
  ENCLAVE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return stmt.ColumnOptionalInt(0);
}

Expected<std::vector<Message>> ConversationStore::ActiveBranch(int64_t conversation_id) {
  ENCLAVE_ASSIGN_OR_RETURN(std::optional<int64_t> leaf, ActiveLeaf(conversation_id));
  std::vector<Message> branch;
  if (!leaf) return branch;
  std::string sql =
      "WITH RECURSIVE branch(id, depth) AS ("
      "  SELECT ?1, 0"
      "  UNION ALL SELECT m.parent_id, b.depth + 1 FROM messages m JOIN branch b ON m.id = b.id"
      "  WHERE m.parent_id IS NOT NULL) "
      "SELECT ";
  for (const char* p = kMessageColumns; *p;) {  // qualify every column with "m."
    sql += "m.";
    while (*p && *p != ',') sql += *p++;
    if (*p == ',') sql += *p++;
    while (*p == ' ') sql += *p++;
  }
  sql += " FROM messages m JOIN branch b ON m.id = b.id ORDER BY b.depth DESC";
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt, db_->Prepare(sql));
  stmt.Bind(1, *leaf);
  while (true) {
    ENCLAVE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    branch.push_back(ReadMessage(stmt));
  }
  return branch;
}

Expected<std::vector<int64_t>> ConversationStore::Versions(int64_t message_id) {
  ENCLAVE_ASSIGN_OR_RETURN(Message m, GetMessage(message_id));
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           db_->Prepare("SELECT id FROM messages WHERE conversation_id = ?1 AND "
                                        "parent_id IS ?2 AND role = ?3 ORDER BY id"));
  stmt.Bind(1, m.conversation_id).Bind(2, m.parent_id).Bind(3, RoleName(m.role));
  std::vector<int64_t> ids;
  while (true) {
    ENCLAVE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ids.push_back(stmt.ColumnInt(0));
  }
  return ids;
}

Status ConversationStore::SelectVersion(int64_t message_id) {
  ENCLAVE_ASSIGN_OR_RETURN(Message m, GetMessage(message_id));
  int64_t leaf = message_id;
  while (true) {  // follow the newest reply down to the end of the branch
    ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement child,
                             db_->Prepare("SELECT MAX(id) FROM messages WHERE parent_id = ?1"));
    child.Bind(1, leaf);
    ENCLAVE_ASSIGN_OR_RETURN(bool row, child.Step());
    if (!row || child.ColumnIsNull(0)) break;
    leaf = child.ColumnInt(0);
  }
  return SetActiveLeaf(m.conversation_id, leaf);
}

}  // namespace enclave::store
