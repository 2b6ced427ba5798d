package careledger;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * Validates FHIR R4 JSON resources with HAPI FHIR's instance validator (the FHIR core
 * validator as HAPI packages it, with the R4 core profiles, value sets and code systems of
 * hapi-fhir-validation-resources-r4), fully offline. Usage:
 * ValidateFhir ARTEFACT_DIR [--expect-fail CONTROL_DIR]. Prints each error and a summary; exit 1
 * on any error in ARTEFACT_DIR or when it holds no resource, and (one JVM, so one start-up)
 * unless every control in CONTROL_DIR fails.
 * Warnings and information (e.g. codes from external systems such as LOINC, which are not
 * bundled) are counted, not failed.
 */
public final class ValidateFhir {
    public static void main(String[] args) throws IOException {
        FhirContext context = FhirContext.forR4();
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator instanceValidator = new FhirInstanceValidator(support);
        instanceValidator.setNoTerminologyChecks(false);
        FhirValidator validator = context.newValidator().registerValidatorModule(instanceValidator);

        String artefacts = args[0];
        int[] main = validate(validator, List.of(args[0]), true);
        boolean ok = main[0] > 0 && main[1] == 0;
        String version = ca.uhn.fhir.util.VersionUtil.getVersion();
        System.out.println("FHIR R4: " + main[0] + " resources in " + artefacts + " checked with HAPI FHIR " + version
                + " FhirInstanceValidator: " + (main[0] - main[1]) + " passed, " + main[1] + " failed ("
                + main[2] + " errors, " + main[3] + " warnings)");
        if (args.length >= 3 && args[1].equals("--expect-fail")) {
            int[] controls = validate(validator, List.of(args[2]), false);
            boolean rejected = controls[0] > 0 && controls[1] == controls[0];
            System.out.println("FHIR R4 controls: " + controls[1] + " of " + controls[0] + " known-bad resources rejected");
            ok = ok && rejected;
        }
        System.exit(ok ? 0 : 1);
    }

    /** Returns {resources, failed, errors, warnings}. */
    private static int[] validate(FhirValidator validator, List<String> args, boolean print) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String arg : args) {
            Path path = Path.of(arg);
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
                }
            } else if (Files.exists(path)) {
                files.add(path);
            }
        }
        int resources = 0, failed = 0, errors = 0, warnings = 0;
        for (Path file : files) {
            ValidationResult result = validator.validateWithResult(Files.readString(file));
            resources++;
            boolean bad = false;
            for (SingleValidationMessage message : result.getMessages()) {
                ResultSeverityEnum severity = message.getSeverity();
                if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) {
                    errors++;
                    bad = true;
                    if (print) {
                        System.out.println("  " + file.getFileName() + ": " + severity + " "
                                + message.getLocationString() + ": " + message.getMessage());
                    }
                } else if (severity == ResultSeverityEnum.WARNING) {
                    warnings++;
                }
            }
            if (bad) failed++;
        }
        return new int[] {resources, failed, errors, warnings};
    }
}
