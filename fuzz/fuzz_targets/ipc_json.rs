//! The desktop app's IPC: every request type in `shotbook_api::dto` that the UI sends as JSON,
//! deserialized from any bytes. A request that does not deserialize is an error for the UI,
//! never a panic. (A new request type belongs in the list below.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use shotbook_api::dto::*;

/// Deserializes `data` as each type, from the bytes and from a parsed JSON value.
macro_rules! each {
    ($data:expr, $value:expr; $($t:ty),+ $(,)?) => {
        $(
            let _ = serde_json::from_slice::<$t>($data);
            if let Some(v) = $value {
                let _ = serde_json::from_value::<$t>(v.clone());
            }
        )+
    };
}

fuzz_target!(|data: &[u8]| {
    let value = serde_json::from_slice::<serde_json::Value>(data).ok();
    each!(data, value.as_ref();
        SignInRequest,
        CaptchaAnswer,
        ChooseOrganizationRequest,
        NewPasswordRequest,
        ChangePasswordRequest,
        ForgotPasswordRequest,
        UpdateMyAccountRequest,
        UnlockRequest,
        SearchClientsRequest,
        GetClientRequest,
        SmartSearchRequest,
        QuickSearchRequest,
        AccessRequestForm,
        SaveAccessRequestRequest,
        AccessRequestIdRequest,
        DecideAccessRequestRequest,
        SignedAgreementView,
        OpenUserAgreementRequest,
        SignUserAgreementRequest,
        OrganizationUsersRequest,
        EndUserAccessRequest,
        PersonalFields,
        AddressFields,
        ResponsiblePersonFields,
        ConsentFields,
        UpdateConsentRequest,
        DemographicsChange,
        ChangeDemographicsRequest,
        AddClientRequest,
        MergeClientsRequest,
        DismissDuplicateRequest,
        UnmergeClientsRequest,
        RecordAdministeredDoseRequest,
        HistoricalDoseInput,
        RecordHistoricalDosesRequest,
        EditImmunizationRequest,
        VoidImmunizationRequest,
        ScanVialRequest,
        ReceiveLotRequest,
        AdjustLotRequest,
        PrintRecordRequest,
        PrintedRecordRequest,
        VerifyRecordRequest,
        BatchItemRequest,
    );
});
