// loom: the Loom GUI.
//   loom [--scenario FILE] [--workspace DIR] [--screenshot DIR]
// --screenshot DIR runs offscreen-friendly: starts the scenario's network,
// sends a few transactions, renders every tab to DIR and exits (non-zero on
// failure).
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>

#include "app/controller/lab_controller.h"
#include "ui/main_window.h"
#include "ui/screenshot_runner.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("Loom"));
  QApplication::setOrganizationName(QStringLiteral("Loom"));
  QApplication::setApplicationVersion(QStringLiteral("0.1"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Loom: a desktop lab for Fabric-style blockchains."));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption scenario(QStringLiteral("scenario"), QStringLiteral("Open this scenario file."),
                              QStringLiteral("FILE"));
  QCommandLineOption workspace(QStringLiteral("workspace"),
                               QStringLiteral("The workspace folder to start in (default .loom/<network>)."),
                               QStringLiteral("DIR"));
  QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Start the scenario, send transactions, render every tab to DIR, "
                     "stop the network and exit."),
      QStringLiteral("DIR"));
  parser.addOptions({scenario, workspace, screenshot});
  parser.process(app);

  loom::controller::LabController controller;
  if (parser.isSet(workspace))
    controller.setWorkspaceDir(QFileInfo(parser.value(workspace)).absoluteFilePath());
  loom::ui::MainWindow window(&controller);

  if (parser.isSet(screenshot)) {
    const QString file =
        parser.isSet(scenario) ? parser.value(scenario) : QStringLiteral("scenarios/quickstart.yaml");
    loom::ui::ScreenshotRunner runner(&window, &controller, parser.value(screenshot));
    QObject::connect(&runner, &loom::ui::ScreenshotRunner::finished, &app,
                     [](int code) { QApplication::exit(code); });
    window.show();
    runner.run(file);
    return QApplication::exec();
  }

  window.restoreLayout();
  window.show();
  if (parser.isSet(scenario)) controller.openScenario(parser.value(scenario));
  return QApplication::exec();
}
