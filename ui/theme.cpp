#include "theme.h"

#include <QApplication>
#include <QStyleFactory>

namespace enclave::ui {
namespace {

QPalette LightPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(0xf4, 0xf5, 0xf7));
  p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
  p.setColor(QPalette::Base, QColor(0xff, 0xff, 0xff));
  p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf2, 0xf5));
  p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
  p.setColor(QPalette::Button, QColor(0xfa, 0xfb, 0xfc));
  p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
  p.setColor(QPalette::Highlight, QColor(0x24, 0x56, 0xb8));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::ToolTipBase, QColor(0x1f, 0x23, 0x28));
  p.setColor(QPalette::ToolTipText, Qt::white);
  p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x91, 0x9c));
  p.setColor(QPalette::Link, QColor(0x1d, 0x4a, 0xa3));
  p.setColor(QPalette::Mid, QColor(0xd0, 0xd4, 0xda));
  p.setColor(QPalette::Midlight, QColor(0xe4, 0xe7, 0xeb));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(0xa0, 0xa6, 0xae));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0xa0, 0xa6, 0xae));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0xa0, 0xa6, 0xae));
  return p;
}

QPalette DarkPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(0x1b, 0x1d, 0x21));
  p.setColor(QPalette::WindowText, QColor(0xe3, 0xe5, 0xe8));
  p.setColor(QPalette::Base, QColor(0x23, 0x26, 0x2b));
  p.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2d, 0x33));
  p.setColor(QPalette::Text, QColor(0xe3, 0xe5, 0xe8));
  p.setColor(QPalette::Button, QColor(0x2b, 0x2e, 0x34));
  p.setColor(QPalette::ButtonText, QColor(0xe3, 0xe5, 0xe8));
  p.setColor(QPalette::Highlight, QColor(0x3d, 0x74, 0xd9));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x2e, 0x34));
  p.setColor(QPalette::ToolTipText, QColor(0xe3, 0xe5, 0xe8));
  p.setColor(QPalette::PlaceholderText, QColor(0x7d, 0x84, 0x8f));
  p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xff));
  p.setColor(QPalette::Mid, QColor(0x3a, 0x3e, 0x45));
  p.setColor(QPalette::Midlight, QColor(0x32, 0x35, 0x3b));
  p.setColor(QPalette::Light, QColor(0x3a, 0x3e, 0x45));
  p.setColor(QPalette::Dark, QColor(0x12, 0x13, 0x16));
  p.setColor(QPalette::Shadow, QColor(0x0a, 0x0a, 0x0c));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x71, 0x7a));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x71, 0x7a));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x71, 0x7a));
  return p;
}

// Palette references keep one sheet valid for both themes.
constexpr const char* kStyleSheet = R"css(
#Sidebar { background: palette(base); border: none; border-right: 1px solid palette(mid); }
#Sidebar::item { padding: 9px 12px; margin: 2px 8px; border-radius: 6px; }
#Sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }
#Sidebar::item:hover:!selected { background: palette(alternate-base); }
#SidebarBrand { font-size: 15px; font-weight: 600; padding: 14px 16px 8px 16px; background: palette(base); }
#SidebarFooter { background: palette(base); border-right: 1px solid palette(mid); }
#PageTitle { font-size: 18px; font-weight: 600; }
#MessageCard[role="user"] { background: palette(alternate-base); border: 1px solid palette(midlight); border-radius: 10px; }
#MessageCard[role="assistant"] { background: transparent; }
#MessageRoleLabel { font-weight: 600; }
#MessageMeta, #MutedLabel { color: @MUTED@; }
#Notice { border-radius: 6px; padding: 6px 10px; background: rgba(234, 179, 8, 40); }
#ErrorBox { border-radius: 6px; padding: 8px 10px; background: rgba(220, 38, 38, 32); border: 1px solid rgba(220, 38, 38, 110); }
#CodeBlock { border: 1px solid palette(mid); border-radius: 8px; background: palette(alternate-base); }
#CodeBlockHeader { border-bottom: 1px solid palette(mid); }
#ThinkingBlock { border-left: 3px solid palette(mid); }
#Composer { border: 1px solid palette(mid); border-radius: 10px; background: palette(base); }
#ChatHeader, #LibraryHeader { border-bottom: 1px solid palette(midlight); }
QToolButton#LinkButton { border: none; padding: 2px 6px; color: @MUTED@; }
QToolButton#LinkButton:hover { color: palette(link); background: palette(alternate-base); border-radius: 4px; }
QPushButton#PrimaryButton { background: palette(highlight); color: palette(highlighted-text); border: none;
  border-radius: 6px; padding: 6px 16px; font-weight: 600; }
QPushButton#PrimaryButton:disabled { background: palette(mid); }
QPushButton#DangerButton { background: #dc2626; color: white; border: none; border-radius: 6px; padding: 6px 16px; font-weight: 600; }
QProgressBar#ContextBar { border: 1px solid palette(mid); border-radius: 4px; background: palette(base); max-height: 8px; }
QProgressBar#ContextBar::chunk { background: palette(highlight); border-radius: 3px; }
QStatusBar QLabel { padding: 0 8px; }
)css";

}  // namespace

bool IsDark(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

QColor MutedTextColor(const QPalette& palette) { return palette.color(QPalette::PlaceholderText); }

QColor SubtleBackground(const QPalette& palette) { return palette.color(QPalette::AlternateBase); }

void ApplyTheme(QApplication& app, Theme theme) {
  static const QPalette system_palette = app.palette();  // as the platform gave it, first call
  app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QPalette palette;
  switch (theme) {
    case Theme::kLight: palette = LightPalette(); break;
    case Theme::kDark: palette = DarkPalette(); break;
    case Theme::kSystem: palette = IsDark(system_palette) ? DarkPalette() : LightPalette(); break;
  }
  app.setPalette(palette);
  app.setStyleSheet(QString::fromLatin1(kStyleSheet).replace(QStringLiteral("@MUTED@"), MutedTextColor(palette).name()));
}

}  // namespace enclave::ui
