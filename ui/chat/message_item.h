// What the message list shows for one message of the branch on screen.
#pragma once

#include <QMetaType>
#include <QString>

#include "store/conversation_types.h"

namespace enclave::ui {

struct MessageItem {
  qint64 id = 0;
  store::MessageRole role = store::MessageRole::kUser;
  QString content;
  QString reasoning;
  qint64 reasoningMs = 0;
  bool thinking = false;          // reasoning still streaming
  store::MessageState state = store::MessageState::kComplete;
  QString error;
  QString model;
  qint64 tokens = 0;
  double tokensPerSecond = 0;
  int version = 1;                // 1-based position among its versions
  int versionCount = 1;
  int droppedTurns = 0;           // older turns left out of this answer's prompt
  qint64 createdAtMs = 0;
};

}  // namespace enclave::ui

Q_DECLARE_METATYPE(enclave::ui::MessageItem)
