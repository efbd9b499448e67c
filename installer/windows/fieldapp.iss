; Inno Setup 6 script: the per-user Windows installer for the fieldapp desktop bundle.
;
; Build on Windows, after building the bundle there (installer/README.md, "Windows"):
;   py -3.11 -m venv build\bundle-venv
;   build\bundle-venv\Scripts\python -m pip install --require-hashes --no-deps -r installer\requirements-bundle.txt
;   build\bundle-venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller installer\fieldapp.spec
;   dist\fieldapp\fieldapp-cli.exe --self-test
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\fieldapp.iss
; The installer is written to dist\fieldapp-<version>-setup.exe.
;
; Version: read from the built fieldapp.exe's version resource, which the spec writes from
; fieldapp.__version__ (installer/windows/make_version_file.py): one place holds the version.
;
; Code signing (managed laptops may only run signed programs): define a sign tool in the
; Inno Setup IDE (Tools > Configure Sign Tools) or on the command line, named "signtool", e.g.
;   ISCC.exe "/Ssigntool=C:\path\signtool.exe sign /fd sha256 /tr http://TIMESTAMP-SERVER /td sha256 /f $qCERT.pfx$q /p PASSWORD $f" /DSign installer\windows\fieldapp.iss
; (use the organisation's code-signing certificate; a hardware token or the Windows certificate
; store with /sha1 THUMBPRINT instead of /f and /p keeps the key off the build machine). With
; /DSign, ISCC signs the setup program and its uninstaller (SignTool=, SignedUninstaller=).
; Sign the bundle's own programs too, before running ISCC:
;   signtool sign /fd sha256 /tr http://TIMESTAMP-SERVER /td sha256 /sha1 THUMBPRINT dist\fieldapp\fieldapp.exe dist\fieldapp\fieldapp-cli.exe
; Unsigned builds are for testing only: SmartScreen and AppLocker will warn or refuse them.

#define AppName "Operation Provide"
#define AppExe "fieldapp.exe"
#define CliExe "fieldapp-cli.exe"
#define BundleDir "..\..\dist\fieldapp"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + BundleDir + "\" + AppExe)
#endif

[Setup]
; Never change AppId: it is how a new version finds and replaces the installed one.
AppId={{6A1F3C52-8E0B-4F4B-9D55-2C8B7E1A9F30}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Operation Provide
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
; Per user, no administrator rights: %LOCALAPPDATA%\Programs\fieldapp and the user's own
; Start menu. The vault is elsewhere (%LOCALAPPDATA%\fieldapp\vault), never in {app}.
PrivilegesRequired=lowest
DefaultDirName={userpf}\fieldapp
DisableDirPage=yes
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=..\..\dist
OutputBaseFilename=fieldapp-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
CloseApplications=yes
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
; The whole one-folder bundle; an upgrade replaces every file of it.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; The previous version's library folder, so no stale module of it survives an upgrade.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Encrypted field recorder for joint police and IDVA visits"

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
const
  VaultNote = 'Your vault (the encrypted cases on this laptop) is kept in %s. ' +
              'Installing this program again opens it as before.';

var
  RemoveUserData: Boolean;

{ The app's own folder under %LOCALAPPDATA% (platformdirs' user data folder for "fieldapp"):
  the vault, settings and logs. Window positions are in %APPDATA%\fieldapp. }
function UserDataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\fieldapp');
end;

{ After copying: the installed program checks itself (a throwaway vault, a PDF, the window
  offscreen) and the user is told if it failed, with the one-line reason. }
procedure CurStepChanged(CurStep: TSetupStep);
var
  ResultCode: Integer;
begin
  if CurStep = ssPostInstall then
  begin
    if not Exec(ExpandConstant('{app}\{#CliExe}'), '--self-test', '', SW_HIDE,
                ewWaitUntilTerminated, ResultCode) or (ResultCode <> 0) then
      SuppressibleMsgBox('The installed program did not pass its self-test (exit ' +
        IntToStr(ResultCode) + '). Run "' + ExpandConstant('{app}\{#CliExe}') +
        ' --self-test" to see why, and report it to support.', mbError, MB_OK, IDOK);
  end;
end;

{ Uninstalling keeps the vault unless the user ticks its removal here. A silent uninstall
  (/SILENT, /VERYSILENT: software deployment tools) never removes it. }
function InitializeUninstall(): Boolean;
var
  Form: TSetupForm;
  Note: TNewStaticText;
  Remove: TNewCheckBox;
  OkButton, CancelButton: TNewButton;
begin
  RemoveUserData := False;
  Result := True;
  if UninstallSilent() or not DirExists(UserDataDir()) then
    Exit;
  Form := CreateCustomForm();
  try
    Form.ClientWidth := ScaleX(420);
    Form.ClientHeight := ScaleY(170);
    Form.Caption := 'Uninstall {#AppName}';

    Note := TNewStaticText.Create(Form);
    Note.Parent := Form;
    Note.Left := ScaleX(12);
    Note.Top := ScaleY(12);
    Note.Width := Form.ClientWidth - ScaleX(24);
    Note.AutoSize := False;
    Note.Height := ScaleY(60);
    Note.WordWrap := True;
    Note.Caption := Format(VaultNote, [UserDataDir()]);

    Remove := TNewCheckBox.Create(Form);
    Remove.Parent := Form;
    Remove.Left := ScaleX(12);
    Remove.Top := ScaleY(80);
    Remove.Width := Form.ClientWidth - ScaleX(24);
    Remove.Height := ScaleY(34);
    Remove.Caption := 'Also delete the vault and settings. Cases not yet synced to the hub ' +
                      'are lost for good.';
    Remove.Checked := False;

    OkButton := TNewButton.Create(Form);
    OkButton.Parent := Form;
    OkButton.Caption := 'Uninstall';
    OkButton.Left := Form.ClientWidth - ScaleX(180);
    OkButton.Top := Form.ClientHeight - ScaleY(36);
    OkButton.Width := ScaleX(80);
    OkButton.Height := ScaleY(24);
    OkButton.ModalResult := mrOk;
    OkButton.Default := True;

    CancelButton := TNewButton.Create(Form);
    CancelButton.Parent := Form;
    CancelButton.Caption := 'Cancel';
    CancelButton.Left := Form.ClientWidth - ScaleX(92);
    CancelButton.Top := OkButton.Top;
    CancelButton.Width := ScaleX(80);
    CancelButton.Height := ScaleY(24);
    CancelButton.ModalResult := mrCancel;
    CancelButton.Cancel := True;

    Form.ActiveControl := OkButton;
    Result := Form.ShowModal() = mrOk;
    RemoveUserData := Result and Remove.Checked;
  finally
    Form.Free();
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and RemoveUserData then
  begin
    DelTree(UserDataDir(), True, True, True);
    DelTree(ExpandConstant('{userappdata}\fieldapp'), True, True, True);
  end;
end;
