<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="cy_GB">
<context>
    <name></name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="105"/>
        <source>e.g. Lancashire Constabulary performance team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="108"/>
        <source>e.g. monthly supervision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="109"/>
        <source>Both are required: the %1 is recorded in the audit log as a disclosure, with this recipient and purpose.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="111"/>
        <source>&amp;Recipient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="111"/>
        <source>Recipient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="112"/>
        <source>P&amp;urpose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="112"/>
        <source>Purpose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="113"/>
        <source>Who will receive it: a person, team or organisation. Recorded in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="120"/>
        <source>Say who will receive it: it is recorded in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="121"/>
        <source>Say why it is being shared: it is recorded in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="146"/>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="147"/>
        <source>type it again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="150"/>
        <source>PDF password (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="151"/>
        <source>Confirm PDF password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="157"/>
        <source>PDF pass&amp;word</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="158"/>
        <source>The recipient needs it to open the PDF: send it to them separately.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_form.py" line="163"/>
        <source>The two passwords differ; type the same in both.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../fieldapp/ui/banner.py" line="25"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/banner.py" line="27"/>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/banner.py" line="28"/>
        <source>Dismiss this message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BoardModel</name>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="229"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="229"/>
        <source>24-hour mark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="230"/>
        <source>Police ref</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="230"/>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="231"/>
        <source>BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="231"/>
        <source>District</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="232"/>
        <source>Allocated to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="232"/>
        <source>Police visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/models/board_model.py" line="278"/>
        <source>not allocated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BoardPage</name>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="67"/>
        <source>Cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="70"/>
        <source>Number of cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="72"/>
        <source>Search police reference or case number (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="73"/>
        <source>Search by police reference or case number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="76"/>
        <source>Whose cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="76"/>
        <source>My cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="77"/>
        <source>All cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="78"/>
        <source>BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="78"/>
        <source>All BCUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="80"/>
        <source>24-hour mark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="80"/>
        <source>Any state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="84"/>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="85"/>
        <source>Clear filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="90"/>
        <source>Cases, most urgent first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="123"/>
        <source>&amp;Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="123"/>
        <source>B&amp;CU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="124"/>
        <source>&amp;24-hour mark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="266"/>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="268"/>
        <source>1 case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="270"/>
        <source>%1 cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="272"/>
        <source>Showing %1 of %2 cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="279"/>
        <source>No cases match these filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="280"/>
        <source>No cases here yet. Press Ctrl+N to add an incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/board_page.py" line="286"/>
        <source>The cases could not be read. Try again with F5.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BusyRow</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/common.py" line="104"/>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CaseHeader</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="27"/>
        <source>Opening case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="45"/>
        <source>Police ref {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="47"/>
        <source>Police visit {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="50"/>
        <source>Officers {ids}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="55"/>
        <source>Amending the visit recorded for {time}. Saving asks for a short reason.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="68"/>
        <source>✔ Visited within 24 hours ({took} after the police visit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="70"/>
        <source>Visited after the 24-hour mark ({took} after the police visit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="74"/>
        <source>⚠ Overdue by {span}: the 24-hour mark was {due}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/header.py" line="76"/>
        <source>{span} left to the 24-hour mark ({due})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CasePage</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="101"/>
        <source>Save (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="103"/>
        <source>Save the whole page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="104"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="105"/>
        <source>Close the case (your draft is kept)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="112"/>
        <source>Save status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="186"/>
        <source>Opening the case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="218"/>
        <source>Draft restored from {time}. Check it, then save with Ctrl+S.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="220"/>
        <source>Opened. Changes are kept as a draft as you type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="225"/>
        <source>This case could not be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="227"/>
        <source>Something went wrong opening the case ({kind}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="263"/>
        <source>Draft kept at {time}. Not saved to the case yet: press Ctrl+S.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="268"/>
        <source>⚠ The draft could not be kept ({kind}). Save with Ctrl+S now if you can.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="299"/>
        <source>Not saved: an amendment needs a short reason.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="308"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="332"/>
        <source>Saved at {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="342"/>
        <source>⚠ Not saved ({kind}). Your work is kept as a draft; try Ctrl+S again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/page.py" line="349"/>
        <source>Not saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CreateVaultDialog</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="83"/>
        <source>Set up Operation Provide on this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="85"/>
        <source>Everything you record is kept encrypted on this laptop. This takes a minute, once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="90"/>
        <source>Your name or staff code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="92"/>
        <source>for example IDVA01</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="95"/>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="96"/>
        <source>IDVA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="96"/>
        <source>Supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="97"/>
        <source>Coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="101"/>
        <source>Choose a passphrase of at least 12 characters: a short sentence or a few unrelated words is easiest to remember. Numbers alone and repeated characters are refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="107"/>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="149"/>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="113"/>
        <source>Passphrase again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="116"/>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="117"/>
        <source>Show the passphrase while typing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="122"/>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="252"/>
        <source>Choose a recovery key file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="123"/>
        <source>Choose a recovery key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="126"/>
        <source>Start with demonstration data (fictional cases to try the board with)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="128"/>
        <source>Start with demonstration data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="133"/>
        <source>&amp;Create and open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="135"/>
        <source>Create and open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="137"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="138"/>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="142"/>
        <source>Cases allocated to this name appear as yours.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="146"/>
        <source>Your &amp;name or staff code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="148"/>
        <source>&amp;Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="151"/>
        <source>&amp;Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="153"/>
        <source>&amp;Again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="155"/>
        <source>If the passphrase is forgotten</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="162"/>
        <source>Getting started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="228"/>
        <source>Long enough and hard to guess.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="239"/>
        <source>The two passphrases are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="242"/>
        <source>The two passphrases match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="249"/>
        <source>No recovery key was supplied: if you forget this passphrase, unsynced work on this laptop cannot be recovered. If your coordinator gave you a recovery key file (.pem), choose it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="255"/>
        <source>Recovery key chosen (%1): a coordinator holding the organisation&apos;s recovery key can reopen this laptop&apos;s data if the passphrase is forgotten.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="258"/>
        <source>Choose a different recovery key file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="262"/>
        <source>Recovery public key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="263"/>
        <source>Recovery public key (*.pem);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="280"/>
        <source>Your name or staff code is required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="312"/>
        <source>Creating the encrypted vault and adding demonstration cases; this takes a few seconds…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="315"/>
        <source>Creating the encrypted vault…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="330"/>
        <source>That recovery key file could not be used, so no vault was created. Choose the .pem file your coordinator gave you, or continue without one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/create_vault_dialog.py" line="338"/>
        <source>The vault could not be created. Nothing was saved; please try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="101"/>
        <source>Measures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="108"/>
        <source>The evaluation&apos;s measures for the cases on this laptop, by the date of the police visit. Percentages show how many of how many.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="116"/>
        <source>All BCUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="117"/>
        <source>From (police visit date)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="117"/>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="118"/>
        <source>dd/mm/yyyy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="118"/>
        <source>To (police visit date)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="119"/>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="123"/>
        <source>BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="120"/>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="121"/>
        <source>Show the measures for these dates and BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="122"/>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="122"/>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="130"/>
        <source>Dashboard status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="148"/>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="161"/>
        <source>Visits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="149"/>
        <source>IDVA visit within 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="150"/>
        <source>IDVA support accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="151"/>
        <source>Support for prosecution accepted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="152"/>
        <source>Positive outcomes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="160"/>
        <source>Time from police visit to IDVA visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="160"/>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="163"/>
        <source>Time to IDVA visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="163"/>
        <source>IDVA support accepted, by time to visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="164"/>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="167"/>
        <source>Accepted (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="166"/>
        <source>Support accepted, by time of day of the visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="167"/>
        <source>Visit time (UK)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="170"/>
        <source>Referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="170"/>
        <source>Referral to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="189"/>
        <source>Type dates as dd/mm/yyyy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="193"/>
        <source>The From date is after the To date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="208"/>
        <source>Working out the measures…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="217"/>
        <source>The measures are not available in this build.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="219"/>
        <source>The measures could not be worked out ({kind}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="227"/>
        <source>police incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/dashboard_page.py" line="234"/>
        <source>Updated {time}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DateLineEdit</name>
    <message>
        <location filename="../../fieldapp/ui/widgets/datetime_edit.py" line="71"/>
        <source>dd/mm/yyyy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorSummary</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/problems.py" line="46"/>
        <source>Not saved: one thing to fix first. Nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/problems.py" line="48"/>
        <source>Not saved: {count} things to fix first. Nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportTrackerDialog</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="62"/>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="66"/>
        <source>Export tracker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="69"/>
        <source>The file is OFFICIAL-SENSITIVE. It holds no names, addresses, phone numbers, dates of birth or free text (one row per visit, tracker v1), but keep it only where OFFICIAL-SENSITIVE material may be kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="73"/>
        <source>&amp;CSV (opens in Excel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="74"/>
        <source>E&amp;xcel workbook (.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="75"/>
        <source>Format: CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="76"/>
        <source>Format: Excel workbook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="89"/>
        <source>Format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="91"/>
        <source>export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="96"/>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="98"/>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="99"/>
        <source>Choose where to save, then export (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="102"/>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="104"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="136"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="137"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="138"/>
        <source>Export tracker: save as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="155"/>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="162"/>
        <source>Tracker exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="163"/>
        <source>%1 rows exported to %2.

Recorded in the audit log as a disclosure to %3. The file is OFFICIAL-SENSITIVE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_export_dialog.py" line="176"/>
        <source>The tracker could not be exported; nothing was recorded as disclosed. Please try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="80"/>
        <source>Import report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="84"/>
        <source>Import report: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="97"/>
        <source>imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="98"/>
        <source>updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="99"/>
        <source>unchanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="100"/>
        <source>rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="109"/>
        <source>Warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="112"/>
        <source>Warnings (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="122"/>
        <source>None: every column was recognised.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="128"/>
        <source>Rows not imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="140"/>
        <source>Rows not imported (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="147"/>
        <source>Correct these rows in the sheet and import it again; rows already imported will count as unchanged. Click a column heading to sort.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="152"/>
        <source>None: every row read was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="158"/>
        <source>&amp;Save report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="160"/>
        <source>Save report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="161"/>
        <source>Save the rejected rows and warnings as CSV (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="163"/>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="164"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="186"/>
        <source>Save import report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="187"/>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="197"/>
        <source>The report could not be saved there (%1); choose another folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_report_dialog.py" line="201"/>
        <source>Report saved as %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportTrackerDialog</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="94"/>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="105"/>
        <source>Import tracker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="111"/>
        <source>C&amp;hoose another file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="112"/>
        <source>Choose another file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="118"/>
        <source>Dates are &amp;UK day-first (31/01/2023 09:00)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="119"/>
        <source>UK day-first dates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="121"/>
        <source>Tick when the sheet was saved by Excel with UK dates; otherwise dates must be ISO 8601, such as 2023-01-31T09:00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="124"/>
        <source>Tracker v1 dates are ISO 8601 (2023-01-31T09:00). Tick this when the sheet was saved from Excel with UK dates. Times without an offset are UK time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="127"/>
        <source>Each row is checked on its own: a row with a problem is listed in the report and never half-imported. Importing the same file again changes nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="131"/>
        <source>Import progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="134"/>
        <source>Import status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="142"/>
        <source>&amp;Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="144"/>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="146"/>
        <source>Start the import (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="148"/>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="150"/>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="258"/>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="259"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="180"/>
        <source>File: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="196"/>
        <source>&amp;Stop import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="197"/>
        <source>Stop import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="200"/>
        <source>Reading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="214"/>
        <source>Stopping after the rows being saved now; nothing is half-written…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="226"/>
        <source>Saved every row up to line %1 of about %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="228"/>
        <source>Saved every row up to line %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="248"/>
        <source>The tracker could not be imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="251"/>
        <source>The import stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/tracker_import_dialog.py" line="252"/>
        <source>The import stopped because of an unexpected error. Rows saved before it are whole; nothing was half-written. Please try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JustificationDialog</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/justify.py" line="13"/>
        <location filename="../../fieldapp/ui/pages/case_page/justify.py" line="22"/>
        <source>Reason for the amendment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/justify.py" line="16"/>
        <source>This visit was already recorded. Say briefly why it is being changed (for example “typo in the visit time”). The reason goes in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../fieldapp/ui/lock/lock_screen.py" line="19"/>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/lock/lock_screen.py" line="20"/>
        <source>Enter your passphrase to carry on where you left off.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="152"/>
        <source>IDVA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="152"/>
        <source>Supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="153"/>
        <source>Coordinator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="154"/>
        <source>Role: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="173"/>
        <source>The dashboard arrives with the dashboard feature.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="189"/>
        <source>The case page arrives with the case view feature.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="255"/>
        <source>Incident saved as case %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="257"/>
        <source>Incident saved as case %1; it is outside the current filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="295"/>
        <source>A draft was recovered: the case you were working on is open again, with what you had typed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/main_window.py" line="296"/>
        <source>&amp;Open it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NewIncidentDialog</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="69"/>
        <source>New incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="74"/>
        <source>Choose a BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="75"/>
        <source>West</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="75"/>
        <source>East</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="76"/>
        <source>South</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="91"/>
        <source>collar numbers, separated by commas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="100"/>
        <source>&amp;Police reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="101"/>
        <source>&amp;BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="102"/>
        <source>&amp;District</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="103"/>
        <source>Police &amp;attendance (UK time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="104"/>
        <source>&amp;Officers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="105"/>
        <source>&amp;Victim&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="106"/>
        <source>Allocate &amp;to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="127"/>
        <source>&amp;Save incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="129"/>
        <source>Save incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="131"/>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="133"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="175"/>
        <source>Choose the BCU.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="210"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/new_incident_dialog.py" line="228"/>
        <source>The incident could not be saved. Nothing was written; please try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OptionalSpinBox</name>
    <message>
        <location filename="../../fieldapp/ui/widgets/datetime_edit.py" line="87"/>
        <source>Not recorded</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutcomeSection</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/outcome_section.py" line="20"/>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/outcome_section.py" line="27"/>
        <source>Outcome code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/outcome_section.py" line="30"/>
        <source>Outcome date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/outcome_section.py" line="30"/>
        <source>dd/mm/yyyy; leave empty if not known.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/outcome_section.py" line="58"/>
        <source>is not a date: type it as dd/mm/yyyy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/outcome_section.py" line="63"/>
        <source>choose the outcome code for this date, or clear the date</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="75"/>
        <source>Page number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="77"/>
        <source>Zoom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="79"/>
        <source>Zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="81"/>
        <source>Zoom in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="83"/>
        <source>Fit width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="85"/>
        <source>&amp;Print…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="87"/>
        <source>&amp;Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="89"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="105"/>
        <source>OFFICIAL-SENSITIVE. This preview is not saved anywhere; printing or saving it is recorded in the audit log with the recipient and purpose you gave.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="149"/>
        <source>Page %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="163"/>
        <source>Save PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="165"/>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="180"/>
        <source>Saved as %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="187"/>
        <source>it could not be written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="189"/>
        <source>The PDF was not saved (%1); nothing was left behind. Choose another folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="212"/>
        <source>Sent %1 pages to the printer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pdf_preview.py" line="228"/>
        <source>The printer could not be started.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlaceholderPage</name>
    <message>
        <location filename="../../fieldapp/ui/pages/placeholder_page.py" line="19"/>
        <location filename="../../fieldapp/ui/pages/placeholder_page.py" line="20"/>
        <source>Back to the board</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportOptionsDialog</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="77"/>
        <source>Marked OFFICIAL-SENSITIVE on every page. The PDF is shown first; nothing is saved until you choose Save in the preview.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="83"/>
        <source>&amp;Preview PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="85"/>
        <source>Preview PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="86"/>
        <source>Build the report and show it (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="89"/>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="91"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="115"/>
        <source>Safe-contact details (the safe number, safe times and how to reach the victim) never appear in a case summary.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="119"/>
        <source>pseudonym or police reference, e.g. C-1A2B3C</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="120"/>
        <source>&amp;Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="121"/>
        <source>Case pseudonym or police reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="122"/>
        <source>Include the &amp;victim&apos;s own words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="127"/>
        <source>&amp;Why include them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="128"/>
        <source>Required when the victim&apos;s words are included; recorded in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="129"/>
        <source>Reason for including the victim&apos;s own words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="134"/>
        <source>Looking up the open case…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="155"/>
        <source>&amp;IDVA code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="156"/>
        <source>Optional: one IDVA&apos;s cases. Leave empty for every IDVA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="157"/>
        <source>IDVA code (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="164"/>
        <source>&amp;From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="165"/>
        <source>Police visits on or after this date (dd/mm/yyyy); empty: from the first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="166"/>
        <source>From date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="167"/>
        <source>&amp;To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="168"/>
        <source>On or before this date; empty: up to the latest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="169"/>
        <source>To date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="171"/>
        <source>All BCUs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="171"/>
        <source>West</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="172"/>
        <source>East</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="172"/>
        <source>South</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="174"/>
        <source>&amp;BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="174"/>
        <source>BCU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="184"/>
        <source>Type the case&apos;s pseudonym or police reference.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="190"/>
        <source>Say why the victim&apos;s own words are included: the reason is recorded in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="204"/>
        <source>Type a date as dd/mm/yyyy, or leave it empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="207"/>
        <source>The end date is before the start date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="250"/>
        <source>Building the %1… (a long report can take a few seconds)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="264"/>
        <source>No single case matches that reference; check it on the board.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/report_options_dialog.py" line="273"/>
        <source>The report could not be built; nothing was recorded as disclosed. Please try again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Revealer</name>
    <message>
        <location filename="../../fieldapp/ui/widgets/masked.py" line="90"/>
        <source>Hide now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RiskSection</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="29"/>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="31"/>
        <source>Ask only when it is safe to talk. Only “Yes” counts towards the score.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="34"/>
        <source>Refer on professional judgement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="35"/>
        <source>Professional judgement: refer to MARAC on my judgement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="46"/>
        <source>Checklist score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="67"/>
        <source>Repeat: abuse again within 12 months of the last MARAC referral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="68"/>
        <source>Repeat within 12 months of the last MARAC referral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="71"/>
        <source>Checklist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="74"/>
        <source>Rationale (what are the concerns?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="75"/>
        <source>Needed when referring on professional judgement.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="78"/>
        <source>Domestic abuse incidents in the last 12 months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="79"/>
        <source>3 or more meets the potential escalation criterion.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="82"/>
        <source>MARAC referral made</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="99"/>
        <source>Score: {yes} yes of {total} ({answered} answered) — risk level {level}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="106"/>
        <source>✔ met</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="106"/>
        <source>– not met</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="108"/>
        <source>MARAC criteria</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="112"/>
        <source>⚠ MARAC criteria met ({count}): make a referral and record it below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_section.py" line="115"/>
        <source>MARAC referral recorded.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RiskTable</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_rows.py" line="77"/>
        <source>Topic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/risk_rows.py" line="80"/>
        <source>{answer}: key {key}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SafeContactSection</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="25"/>
        <source>Safe contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="27"/>
        <source>Hidden on screen. “Show for 30 seconds” reveals the number and times; they cannot be copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="38"/>
        <source>Voicemail is safe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="39"/>
        <source>Text messages are safe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="40"/>
        <source>Safe to leave a voicemail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="41"/>
        <source>Safe to send a text message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="42"/>
        <source>Show for 30 seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="43"/>
        <source>Show the safe number and times for 30 seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="47"/>
        <source>Safe way to contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="49"/>
        <source>Safe number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="49"/>
        <source>Digits, spaces, + ( ) - only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/safe_contact_section.py" line="51"/>
        <source>Safe times to call</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SectionNav</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/nav.py" line="28"/>
        <source>Sections of the case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/nav.py" line="29"/>
        <source>Alt and a number jump to a section from anywhere on the page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/nav.py" line="31"/>
        <source>{n}  {title}
Alt+{n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/nav.py" line="33"/>
        <source>{title}, Alt+{n}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="36"/>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="37"/>
        <source>Lock after this many idle minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="38"/>
        <source>&amp;Lock after being idle for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="40"/>
        <source>Shorter is safer in someone&apos;s home. Ctrl+L locks at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="46"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="47"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="63"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/settings_dialog.py" line="76"/>
        <source>The settings could not be saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SupportSection</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/support_section.py" line="33"/>
        <source>{name}: decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/support_section.py" line="34"/>
        <source>{name}: reason declined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/support_section.py" line="68"/>
        <source>Support and referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/support_section.py" line="77"/>
        <source>Support offered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/support_section.py" line="82"/>
        <source>Referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/support_section.py" line="96"/>
        <source>Decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/support_section.py" line="96"/>
        <source>Reason if declined</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../../fieldapp/ui/sync_status.py" line="22"/>
        <source>Not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/sync_status.py" line="26"/>
        <source>Sync status: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnlockPanel</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="75"/>
        <source>&amp;Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="78"/>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="81"/>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="82"/>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="132"/>
        <source>Unlocking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="151"/>
        <source>You can try again in %1 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="162"/>
        <source>Type your passphrase, then press Enter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="183"/>
        <source>That passphrase did not unlock this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="186"/>
        <source>Too many wrong passphrases in a row.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="190"/>
        <source>The key file on this laptop is damaged or was changed, so nothing was opened. A coordinator can recover the data at the station.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="193"/>
        <source>Unlocking was interrupted. Please try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="199"/>
        <source>Unlocking failed. Try again; if it keeps failing, ask a coordinator.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnlockWindow</name>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="213"/>
        <source>Operation Provide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/dialogs/unlock_window.py" line="214"/>
        <source>Enter your passphrase to open the cases on this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VisitSection</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="38"/>
        <source>Visit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="44"/>
        <source>Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="45"/>
        <source>Set the IDVA visit time to now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="72"/>
        <source>IDVA visit time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="72"/>
        <source>UK time (Europe/London)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="73"/>
        <source>Visit mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="74"/>
        <source>Safe to talk now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="76"/>
        <source>Where the perpetrator is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="78"/>
        <source>Children in household</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="80"/>
        <source>Operation Encompass notified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="83"/>
        <source>Police risk grade</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="84"/>
        <source>Repeat victim</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="85"/>
        <source>Repeat suspect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="86"/>
        <source>IDVA staff code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="87"/>
        <source>Visit note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/visit_section.py" line="146"/>
        <source>The IDVA visit cannot be before the police visit ({time}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VoiceHistory</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="28"/>
        <source>Nothing recorded in the victim&apos;s own words yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="55"/>
        <source>their exact words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="55"/>
        <source>paraphrased</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="56"/>
        <source>{time} · recorded by {who} · {kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="63"/>
        <source>Corrects the entry of {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="72"/>
        <source>Goals: {goals}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="78"/>
        <source>Consent to share: {consent}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="85"/>
        <source>Corrected by the entry of {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="88"/>
        <source>Correct this entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_history.py" line="89"/>
        <source>Correct the entry of {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VoiceSection</name>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="33"/>
        <source>Victim&apos;s voice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="42"/>
        <source>Cancel correction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="43"/>
        <source>Cancel correction: start a new entry instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="56"/>
        <source>Their exact words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="57"/>
        <source>Paraphrased</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="58"/>
        <source>Recorded as their exact words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="59"/>
        <source>Recorded as a paraphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="77"/>
        <source>Goal: {goal}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="89"/>
        <source>Share with: {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="98"/>
        <source>Their own words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="99"/>
        <source>Saved with the page; earlier entries are kept as they were.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="101"/>
        <source>Recorded as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="102"/>
        <source>Their goals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="103"/>
        <source>Consent to share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="105"/>
        <source>Share with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="124"/>
        <source>New entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../fieldapp/ui/pages/case_page/voice_section.py" line="126"/>
        <source>Correcting the entry of {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
