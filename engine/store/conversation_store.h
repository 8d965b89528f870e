// Conversations and their messages in the application database (SQLite, WAL, foreign keys).
//
// Messages form a tree: each message points at the one before it (parent). Regenerating an
// answer adds a sibling assistant message under the same user message; editing a prompt adds a
// sibling user message under the same parent. Siblings are the "versions" the user switches
// between, so nothing is ever overwritten. The conversation remembers the last message of the
// branch on screen (active leaf); the branch is the path from it to the root.
//
// Thread safety: one ConversationStore per thread. The GUI keeps one on its main thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/conversation_types.h"
#include "store/sqlite_database.h"

namespace enclave::store {

class ConversationStore {
 public:
  // Opens or creates the database at `path`, migrates it to the current schema, and marks
  // answers that were still streaming (the previous run crashed) as interrupted.
  static Expected<std::unique_ptr<ConversationStore>> Open(const std::string& path);

  // ---- conversations ------------------------------------------------------------------------
  Expected<int64_t> CreateConversation(const std::string& title, const ConversationSettings& settings);
  Expected<Conversation> GetConversation(int64_t id);
  // Most recently updated first. A non-empty `query` keeps conversations whose title or any
  // message contains it (case-insensitive for ASCII; any script matches as a substring).
  Expected<std::vector<Conversation>> ListConversations(const std::string& query = "");
  Status RenameConversation(int64_t id, const std::string& title);
  Status UpdateSettings(int64_t id, const ConversationSettings& settings);
  Status DeleteConversation(int64_t id);  // its messages go with it (ON DELETE CASCADE)

  // ---- messages -----------------------------------------------------------------------------
  // Appends a message under `parent_id` and makes it the conversation's active leaf.
  Expected<int64_t> AddMessage(int64_t conversation_id, std::optional<int64_t> parent_id,
                               MessageRole role, const std::string& content,
                               MessageState state = MessageState::kComplete,
                               const std::string& model = "");
  Expected<Message> GetMessage(int64_t id);
  // Writes the streamed text so far (called every ~second while an answer streams, and once at
  // the end with the final state). One small transaction: a crash keeps the last call's text.
  Status UpdateMessage(int64_t id, const std::string& content, const std::string& reasoning,
                       int64_t reasoning_ms, MessageState state, int64_t token_count,
                       const std::string& error = "");

  // The branch on screen, first message first.
  Expected<std::vector<Message>> ActiveBranch(int64_t conversation_id);
  // Versions of a message: itself and its siblings (same parent), oldest first.
  Expected<std::vector<int64_t>> Versions(int64_t message_id);
  // Shows `message_id`'s version: the active leaf becomes its newest descendant.
  Status SelectVersion(int64_t message_id);

  SqliteDatabase& database() { return *db_; }

 private:
  explicit ConversationStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
  Status Touch(int64_t conversation_id);
  Expected<std::optional<int64_t>> ActiveLeaf(int64_t conversation_id);
  Status SetActiveLeaf(int64_t conversation_id, int64_t message_id);

  std::unique_ptr<SqliteDatabase> db_;
};

int64_t NowMilliseconds();

}  // namespace enclave::store
