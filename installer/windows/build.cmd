@echo off
rem Windows recipe of the offline bundle (issue 7): the same contents as installer/build on Linux,
rem from the same installer\baomi.spec. Run on a NETWORKED Windows x64 machine that has
rem   - Python 3.12 or newer from python.org (the "py" launcher), and
rem   - Inno Setup 6 (ISCC.exe in its default folder, or set ISCC=<full path>).
rem Produces in installer\dist\: baomi\ (baomi.exe, baomi-gui.exe, _internal\), VERSION.txt,
rem baomi-<version>-setup.exe and SHA256SUMS (every file of the folder, VERSION.txt, the setup).
rem (ASCII only: cmd.exe reads this file in the console code page.)
setlocal
cd /d "%~dp0\..\.." || exit /b 1
set VENV=installer\.venv-build
set PY=%VENV%\Scripts\python.exe
if not exist %PY% (
  py -3 -c "import sys; sys.exit(sys.version_info < (3, 12))" || (echo Python 3.12 or newer is needed & exit /b 1)
  py -3 -m venv %VENV% || exit /b 1
)
%PY% -m pip install -q --upgrade pip || exit /b 1
%PY% -m pip install -q -e . -r installer\requirements-build.txt || exit /b 1

rmdir /s /q installer\dist\baomi installer\.build 2>nul
del /q installer\dist\SHA256SUMS installer\dist\VERSION.txt 2>nul
%PY% -m PyInstaller --noconfirm --log-level WARN --distpath installer\dist --workpath installer\.build installer\baomi.spec || exit /b 1
%PY% installer\version_info.py installer\dist\baomi > installer\dist\VERSION.txt || exit /b 1
copy /y installer\dist\VERSION.txt installer\dist\baomi\VERSION.txt >nul
for /f %%v in ('%PY% installer\version_info.py installer\dist\baomi version') do set BAOMI_VERSION=%%v

rem The bundle must pass its own self-test before it is packed.
set QT_QPA_PLATFORM=offscreen
installer\dist\baomi\baomi.exe --self-test || exit /b 1
set QT_QPA_PLATFORM=

rem SHA256SUMS of the folder (the installer carries this list), in sha256sum's format:
rem "<hash>  baomi/<path>"; then the setup file and VERSION.txt are added.
powershell -NoProfile -Command "Set-Location installer\dist; Get-ChildItem -Recurse -File baomi | Sort-Object FullName | ForEach-Object { '{0}  {1}' -f (Get-FileHash -Algorithm SHA256 $_.FullName).Hash.ToLower(), (Resolve-Path -Relative $_.FullName).Substring(2).Replace('\','/') } | Set-Content -Encoding ascii SHA256SUMS" || exit /b 1

if not defined ISCC set "ISCC=%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe"
"%ISCC%" /Q /DAppVersion=%BAOMI_VERSION% installer\windows\baomi.iss || exit /b 1
powershell -NoProfile -Command "Set-Location installer\dist; foreach ($f in @('VERSION.txt', 'baomi-%BAOMI_VERSION%-setup.exe')) { '{0}  {1}' -f (Get-FileHash -Algorithm SHA256 $f).Hash.ToLower(), $f | Add-Content -Encoding ascii SHA256SUMS }" || exit /b 1
echo Done: installer\dist\baomi-%BAOMI_VERSION%-setup.exe and installer\dist\SHA256SUMS
