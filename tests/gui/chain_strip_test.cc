// ChainStrip: geometry, hit-testing and painting offscreen into a QImage.
#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include "widgets/chain_strip.h"
#include "widgets/state_colors.h"

using loom::widgets::ChainStrip;

namespace {

QVector<ChainStrip::Block> ThreeBlocks() {
  return {{0, 1, 1, 0, QStringLiteral("aaaa")},
          {1, 4, 3, 1, QStringLiteral("bbbb")},
          {2, 2, 0, 2, QStringLiteral("cccc")}};
}

// Whether `image` holds a pixel close to `color` inside `area`.
bool HasColorIn(const QImage& image, const QRect& area, const QColor& color) {
  for (int y = area.top(); y <= area.bottom(); ++y) {
    for (int x = area.left(); x <= area.right(); ++x) {
      const QColor pixel = image.pixelColor(x, y);
      if (std::abs(pixel.red() - color.red()) < 8 && std::abs(pixel.green() - color.green()) < 8 &&
          std::abs(pixel.blue() - color.blue()) < 8) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

class ChainStripTest : public QObject {
  Q_OBJECT

 private slots:
  void hitTestsEachBlockAndTheGaps() {
    ChainStrip strip;
    strip.setBlocks(ThreeBlocks());
    for (int i = 0; i < 3; ++i) {
      const QRect box = strip.blockRect(i);
      QVERIFY(!box.isEmpty());
      QCOMPARE(strip.blockAt(box.center()), i);
      QCOMPARE(strip.blockAt(box.topLeft()), i);
    }
    // Between two boxes (where the hash link is drawn) and beyond the last.
    const QPoint gap((strip.blockRect(0).right() + strip.blockRect(1).left()) / 2,
                     strip.blockRect(0).center().y());
    QCOMPARE(strip.blockAt(gap), -1);
    QCOMPARE(strip.blockAt(strip.blockRect(2).bottomRight() + QPoint(5, 0)), -1);
    QCOMPARE(strip.blockAt(QPoint(strip.blockRect(1).center().x(), strip.blockRect(1).bottom() + 3)), -1);
    QVERIFY(strip.blockRect(3).isEmpty());
    QVERIFY(strip.sizeHint().width() > strip.blockRect(2).right());
  }

  void clickSelectsAndReportsTheBlockNumber() {
    ChainStrip strip;
    strip.setBlocks(ThreeBlocks());
    strip.resize(strip.sizeHint());
    QSignalSpy clicked(&strip, &ChainStrip::blockClicked);
    QTest::mouseClick(&strip, Qt::LeftButton, Qt::NoModifier, strip.blockRect(1).center());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().first().toULongLong(), 1ULL);
    QCOMPARE(strip.selectedIndex(), 1);
    QTest::mouseClick(&strip, Qt::LeftButton, Qt::NoModifier, QPoint(1, 1));
    QCOMPARE(clicked.count(), 1);  // outside every box: nothing
  }

  void paintsTheValidInvalidSplit() {
    ChainStrip strip;
    strip.setBlocks(ThreeBlocks());
    strip.resize(strip.sizeHint());
    QImage image(strip.size(), QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    strip.render(&image);
    const QColor valid = loom::widgets::ValidationColor(true);
    const QColor invalid = loom::widgets::ValidationColor(false);
    // Block 0 is all valid, block 2 all invalid, block 1 has both.
    QVERIFY(HasColorIn(image, strip.blockRect(0), valid));
    QVERIFY(!HasColorIn(image, strip.blockRect(0), invalid));
    QVERIFY(HasColorIn(image, strip.blockRect(2), invalid));
    QVERIFY(!HasColorIn(image, strip.blockRect(2), valid));
    QVERIFY(HasColorIn(image, strip.blockRect(1), valid));
    QVERIFY(HasColorIn(image, strip.blockRect(1), invalid));
  }

  void appendKeepsOrderAndSelection() {
    ChainStrip strip;
    strip.setBlocks(ThreeBlocks());
    strip.setSelectedIndex(2);
    strip.appendBlocks({{3, 1, 1, 0, QStringLiteral("dddd")}});
    QCOMPARE(strip.blocks().size(), 4);
    QCOMPARE(strip.blocks().back().number, 3ULL);
    QCOMPARE(strip.selectedIndex(), 2);
    strip.setSelectedIndex(9);
    QCOMPARE(strip.selectedIndex(), -1);
  }
};

QTEST_MAIN(ChainStripTest)
#include "chain_strip_test.moc"
