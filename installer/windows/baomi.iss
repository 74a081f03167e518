; Inno Setup 6 script: the Windows installer of baomi (保密台账), the counterpart of the .deb.
; It cannot be built on the Linux build machine; on a networked Windows machine run
;     installer\windows\build.cmd
; which builds installer\dist\baomi\ with installer\baomi.spec (the same recipe as Linux)
; and then compiles this script into installer\dist\baomi-<version>-setup.exe.
;
; Installs the PyInstaller folder under Program Files, one Start-menu shortcut 保密台账
; (and 保密台账自检), nothing else: no services, no update check, no web links (R50).
; Saved as UTF-8 with a byte-order mark: Inno Setup reads a file without one as ANSI.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define Bundle "..\dist\baomi"

[Setup]
AppId={{B52054BD-BD94-40D0-8ADD-1C201A20AB62}
AppName=保密台账
AppVersion={#AppVersion}
AppVerName=保密台账 {#AppVersion}
AppPublisher=baomi
DefaultDirName={autopf}\baomi
DefaultGroupName=保密台账
DisableProgramGroupPage=yes
DisableWelcomePage=no
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=baomi-{#AppVersion}-setup
SetupIconFile=baomi.ico
UninstallDisplayIcon={app}\baomi-gui.exe
UninstallDisplayName=保密台账 {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; No AppPublisherURL / AppSupportURL / AppUpdatesURL: nothing points online.

[Languages]
; Inno Setup's Simplified Chinese messages are an unofficial translation: copy
; ChineseSimplified.isl next to this script to use it; otherwise the wizard is in English.
#if FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chs"; MessagesFile: "ChineseSimplified.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\dist\SHA256SUMS"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\保密台账"; Filename: "{app}\baomi-gui.exe"; WorkingDir: "{userdocs}"
Name: "{group}\保密台账自检"; Filename: "{cmd}"; Parameters: "/k ""{app}\baomi.exe"" --self-test"; WorkingDir: "{userdocs}"; IconFilename: "{app}\baomi-gui.exe"

[Run]
Filename: "{cmd}"; Parameters: "/k ""{app}\baomi.exe"" --self-test"; Description: "运行自检（baomi --self-test）"; Flags: postinstall skipifsilent unchecked nowait
