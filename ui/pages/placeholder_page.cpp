#include "pages/placeholder_page.h"

#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

namespace enclave::ui {

PlaceholderPage::PlaceholderPage(const QIcon& icon, const QString& title, const QString& description, QWidget* parent)
    : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->addStretch(2);
  auto* picture = new QLabel(this);
  picture->setPixmap(icon.pixmap(56, 56));
  picture->setAlignment(Qt::AlignCenter);
  auto* heading = new QLabel(title, this);
  heading->setObjectName(QStringLiteral("PageTitle"));
  heading->setAlignment(Qt::AlignCenter);
  auto* text = new QLabel(description, this);
  text->setObjectName(QStringLiteral("MutedLabel"));
  text->setAlignment(Qt::AlignCenter);
  text->setWordWrap(true);
  text->setMaximumWidth(520);
  layout->addWidget(picture);
  layout->addSpacing(8);
  layout->addWidget(heading);
  layout->addWidget(text, 0, Qt::AlignHCenter);
  layout->addStretch(3);
}

}  // namespace enclave::ui
