// `loom --screenshot DIR` on the quickstart scenario (offscreen): exits 0
// and writes one non-empty PNG per tab that decodes as an image.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTest>
#include <filesystem>

#include "tests/support/temp_dir.h"

class ScreenshotTest : public QObject {
  Q_OBJECT

 private slots:
  void writesAPngOfEveryTab() {
    loom::testing::TempDir temp("loom-gui-screenshot");
    std::filesystem::copy_file(std::filesystem::path(LOOM_SOURCE_DIR) / "scenarios/quickstart.yaml",
                               temp.path() / "quickstart.yaml");
    const QString root = QString::fromStdString(temp.path().string());
    QProcess loom;
    loom.setProcessChannelMode(QProcess::MergedChannels);
    loom.setWorkingDirectory(root);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    loom.setProcessEnvironment(env);
    loom.start(QStringLiteral(LOOM_BIN),
               {QStringLiteral("--screenshot"), root + QStringLiteral("/png"), QStringLiteral("--scenario"),
                root + QStringLiteral("/quickstart.yaml"), QStringLiteral("--workspace"),
                root + QStringLiteral("/ws")});
    QVERIFY(loom.waitForStarted(10000));
    const bool finished = loom.waitForFinished(240000);
    if (!finished) {
      loom.kill();
      loom.waitForFinished(10000);
    }
    const QString output = QString::fromLocal8Bit(loom.readAll());
    QVERIFY2(finished, qPrintable(output));
    QVERIFY2(loom.exitStatus() == QProcess::NormalExit && loom.exitCode() == 0, qPrintable(output));

    const QStringList tabs = {QStringLiteral("topology"), QStringLiteral("flow"),
                              QStringLiteral("blocks"),   QStringLiteral("transactions"),
                              QStringLiteral("metrics"),  QStringLiteral("load"),
                              QStringLiteral("logs")};
    QDir png(root + QStringLiteral("/png"));
    const QStringList files = png.entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), tabs.size());
    for (int i = 0; i < tabs.size(); ++i) {
      QVERIFY2(files[i].endsWith(tabs[i] + QStringLiteral(".png")), qPrintable(files[i]));
      QImage image(png.filePath(files[i]));
      QVERIFY2(!image.isNull(), qPrintable(files[i]));
      QVERIFY(image.width() >= 800 && image.height() >= 600);
    }
    // The run stopped the network it started.
    QVERIFY2(output.contains(QStringLiteral("wrote 7 screenshots")), qPrintable(output));
  }
};

QTEST_MAIN(ScreenshotTest)
#include "screenshot_test.moc"
